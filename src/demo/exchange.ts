/**
 * The paper exchange: accounts, their deposits, positions (the bot sessions' and some opened by
 * hand), the orders behind them, and the ledger those orders book, by the exchange's own rules
 * (the quote asset from ledger.ts, the configured default fee).
 */
import type { LedgerKind, OrderSide, OrderStatus, OrderType, PositionSide } from '../generated/prisma/client';
import { quoteAssetOf } from '../modules/exchange/ledger';
import { at, DAY, dec, Decimal, HOUR, MINUTE, ZERO } from './rng';
import { COMMISSION_RATE, nextPositionKey, symbolInfo, type PositionSpec, type TradingState } from './trading';
import type { Username } from './users';

export interface OrderSpec {
  accountKey: string;
  positionKey: string | null;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: Decimal;
  price: Decimal;
  status: OrderStatus;
  createdAt: Date;
  filledAt: Date | null;
  canceledAt: Date | null;
}
export interface LedgerSpec {
  accountKey: string;
  asset: string;
  amount: Decimal;
  kind: LedgerKind;
  orderClientId: string | null;
  positionKey: string | null;
  reference: string | null;
  createdAt: Date;
}
export interface AccountSpec {
  key: string;
  user: Username;
  exchange: string;
  label: string;
  createdAt: Date;
}

const ACCOUNTS: AccountSpec[] = [
  { key: 'demo:paper:main', user: 'demo', exchange: 'paper', label: 'main', createdAt: at(-DAY) },
  { key: 'demo:paper:scalping', user: 'demo', exchange: 'paper', label: 'scalping', createdAt: at(-DAY + HOUR) },
  { key: 'demo:binance-testnet:testnet', user: 'demo', exchange: 'binance-testnet', label: 'testnet', createdAt: at(-DAY + 2 * HOUR) },
  { key: 'alice:paper:main', user: 'alice', exchange: 'paper', label: 'main', createdAt: at(-DAY + 3 * HOUR) },
];

const DEPOSITS: { accountKey: string; asset: string; amount: string; createdAt: Date }[] = [
  { accountKey: 'demo:paper:main', asset: 'USDT', amount: '250000', createdAt: at(-DAY + 5 * MINUTE) },
  { accountKey: 'demo:paper:main', asset: 'USD', amount: '25000', createdAt: at(-DAY + 10 * MINUTE) },
  { accountKey: 'demo:paper:main', asset: 'USDT', amount: '50000', createdAt: at(7 * DAY + 9 * HOUR) },
  { accountKey: 'demo:paper:scalping', asset: 'USDT', amount: '100000', createdAt: at(-DAY + HOUR + 5 * MINUTE) },
  { accountKey: 'demo:binance-testnet:testnet', asset: 'USDT', amount: '50000', createdAt: at(-DAY + 2 * HOUR + 5 * MINUTE) },
  { accountKey: 'alice:paper:main', asset: 'USDT', amount: '20000', createdAt: at(-DAY + 3 * HOUR + 5 * MINUTE) },
];

/** Positions not tied to any bot trade (opened by hand). */
const MANUAL_POSITIONS: {
  accountKey: string;
  symbol: string;
  side: PositionSide;
  quantity: string;
  entryPrice: string;
  openedAt: Date;
  close?: { exitPrice: string; closedAt: Date };
  protection: 'both' | 'sl' | 'tp' | 'none';
}[] = [
  { accountKey: 'demo:paper:main', symbol: 'ETH-USDT', side: 'LONG', quantity: '2.5', entryPrice: '3288.40', openedAt: at(12 * DAY + 15 * HOUR + 12 * MINUTE), protection: 'sl' },
  { accountKey: 'demo:paper:main', symbol: 'SOL-USDT', side: 'SHORT', quantity: '40', entryPrice: '196.85', openedAt: at(12 * DAY + 16 * HOUR + 3 * MINUTE), protection: 'both' },
  { accountKey: 'demo:paper:scalping', symbol: 'BTC-USDT', side: 'SHORT', quantity: '0.08', entryPrice: '95120.50', openedAt: at(12 * DAY + 9 * HOUR + 41 * MINUTE), protection: 'none' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'BTC-USDT', side: 'LONG', quantity: '0.15', entryPrice: '93410.00', openedAt: at(2 * DAY + 10 * HOUR), close: { exitPrice: '94780.25', closedAt: at(3 * DAY + 14 * HOUR + 20 * MINUTE) }, protection: 'both' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'ETH-USDT', side: 'SHORT', quantity: '3', entryPrice: '3350.10', openedAt: at(4 * DAY + 8 * HOUR + 30 * MINUTE), close: { exitPrice: '3391.75', closedAt: at(4 * DAY + 19 * HOUR + 5 * MINUTE) }, protection: 'sl' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'SOL-USDT', side: 'LONG', quantity: '25', entryPrice: '188.40', openedAt: at(11 * DAY + 13 * HOUR), protection: 'tp' },
  { accountKey: 'alice:paper:main', symbol: 'SOL-USDT', side: 'LONG', quantity: '30', entryPrice: '190.20', openedAt: at(6 * DAY + 11 * HOUR + 30 * MINUTE), protection: 'tp' },
];

/** NEW LIMIT orders without a position: they lock qty*price of the quote asset. */
const LIMIT_ORDERS: { accountKey: string; symbol: string; side: OrderSide; quantity: string; price: string; createdAt: Date }[] = [
  { accountKey: 'demo:paper:main', symbol: 'BTC-USDT', side: 'BUY', quantity: '0.05', price: '88500.00', createdAt: at(13 * DAY + 8 * HOUR) },
  { accountKey: 'demo:paper:scalping', symbol: 'ETH-USDT', side: 'SELL', quantity: '1.5', price: '3650.00', createdAt: at(13 * DAY + 9 * HOUR + 30 * MINUTE) },
];

/** Adds the manual positions to the sessions' (in `state`), then books every position's orders and ledger. */
export function buildExchange(state: TradingState): { accounts: AccountSpec[]; positions: PositionSpec[]; orders: OrderSpec[]; ledger: LedgerSpec[] } {
  for (const m of MANUAL_POSITIONS) {
    const info = symbolInfo(m.symbol);
    const entryPrice = new Decimal(m.entryPrice);
    const quantity = new Decimal(m.quantity);
    const sign = m.side === 'LONG' ? 1 : -1;
    const sl = m.protection === 'both' || m.protection === 'sl' ? dec(entryPrice.toNumber() * (1 - sign * 0.025), info.dp) : null;
    const tp = m.protection === 'both' || m.protection === 'tp' ? dec(entryPrice.toNumber() * (1 + sign * 0.04), info.dp) : null;
    const exitPrice = m.close ? new Decimal(m.close.exitPrice) : null;
    state.positions.push({
      key: nextPositionKey(state, m.accountKey),
      accountKey: m.accountKey,
      symbol: m.symbol,
      side: m.side,
      quantity,
      entryPrice,
      status: m.close ? 'CLOSED' : 'OPEN',
      stopLoss: sl,
      takeProfit: tp,
      openedAt: m.openedAt,
      closedAt: m.close?.closedAt ?? null,
      exitPrice,
      realizedPnl: exitPrice ? exitPrice.minus(entryPrice).times(quantity).times(sign) : null,
    });
  }

  const positions = state.positions.slice().sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const orders: OrderSpec[] = [];
  const ledger: LedgerSpec[] = [];
  const orderSeq = new Map<string, number>();
  const clientId = (accountKey: string): string => {
    const n = (orderSeq.get(accountKey) ?? 0) + 1;
    orderSeq.set(accountKey, n);
    return `seed-${accountKey.split(':').slice(1).join('-')}-${String(n).padStart(4, '0')}`;
  };

  DEPOSITS.forEach((d, i) =>
    ledger.push({
      accountKey: d.accountKey,
      asset: d.asset,
      amount: new Decimal(d.amount),
      kind: 'DEPOSIT',
      orderClientId: null,
      positionKey: null,
      reference: `seed-deposit-${i + 1}`,
      createdAt: d.createdAt,
    }),
  );

  for (const p of positions) {
    const quote = quoteAssetOf(p.symbol);
    const closed = p.status === 'CLOSED';
    const openSide: OrderSide = p.side === 'LONG' ? 'BUY' : 'SELL';
    const exitSide: OrderSide = p.side === 'LONG' ? 'SELL' : 'BUY';
    const open: OrderSpec = {
      accountKey: p.accountKey,
      positionKey: p.key,
      clientOrderId: clientId(p.accountKey),
      symbol: p.symbol,
      side: openSide,
      type: 'MARKET',
      quantity: p.quantity,
      price: p.entryPrice,
      status: 'FILLED',
      createdAt: p.openedAt,
      filledAt: p.openedAt,
      canceledAt: null,
    };
    orders.push(open);
    const protectiveAt = new Date(p.openedAt.getTime() + 1000);
    for (const [type, price] of [
      ['STOP_LOSS', p.stopLoss],
      ['TAKE_PROFIT', p.takeProfit],
    ] as const) {
      if (!price) continue;
      orders.push({
        accountKey: p.accountKey,
        positionKey: p.key,
        clientOrderId: clientId(p.accountKey),
        symbol: p.symbol,
        side: exitSide,
        type,
        quantity: p.quantity,
        price,
        status: closed ? 'CANCELED' : 'NEW',
        createdAt: protectiveAt,
        filledAt: null,
        canceledAt: closed ? p.closedAt : null,
      });
    }
    const notional = p.quantity.times(p.entryPrice);
    const refs = { accountKey: p.accountKey, asset: quote, positionKey: p.key, reference: null };
    ledger.push({ ...refs, amount: notional.neg(), kind: 'FILL', orderClientId: open.clientOrderId, createdAt: p.openedAt });
    ledger.push({ ...refs, amount: notional.times(COMMISSION_RATE).neg(), kind: 'COMMISSION', orderClientId: open.clientOrderId, createdAt: p.openedAt });
    if (closed && p.closedAt && p.realizedPnl) {
      ledger.push({ ...refs, amount: notional, kind: 'FILL', orderClientId: null, createdAt: p.closedAt });
      ledger.push({ ...refs, amount: p.realizedPnl, kind: 'REALIZED_PNL', orderClientId: null, createdAt: p.closedAt });
    }
  }

  for (const l of LIMIT_ORDERS) {
    orders.push({
      accountKey: l.accountKey,
      positionKey: null,
      clientOrderId: clientId(l.accountKey),
      symbol: l.symbol,
      side: l.side,
      type: 'LIMIT',
      quantity: new Decimal(l.quantity),
      price: new Decimal(l.price),
      status: 'NEW',
      createdAt: l.createdAt,
      filledAt: null,
      canceledAt: null,
    });
  }

  checkBalances(ledger, orders);
  return { accounts: ACCOUNTS, positions, orders, ledger };
}

/** Throws if any (account, asset) balance goes negative at any point, or free balance ends negative. */
function checkBalances(ledger: LedgerSpec[], orders: OrderSpec[]): void {
  const sorted = ledger.map((e, i) => ({ e, i })).sort((a, b) => a.e.createdAt.getTime() - b.e.createdAt.getTime() || a.i - b.i);
  const balances = new Map<string, Decimal>();
  for (const { e } of sorted) {
    const k = `${e.accountKey}|${e.asset}`;
    const next = (balances.get(k) ?? ZERO).plus(e.amount);
    if (next.isNegative()) throw new Error(`seed: balance ${k} would go negative (${next.toFixed()}) at ${e.createdAt.toISOString()}`);
    balances.set(k, next);
  }
  for (const o of orders) {
    if (o.type !== 'LIMIT' || o.status !== 'NEW') continue;
    const k = `${o.accountKey}|${quoteAssetOf(o.symbol)}`;
    const free = (balances.get(k) ?? ZERO).minus(o.quantity.times(o.price));
    if (free.isNegative()) throw new Error(`seed: free balance ${k} would be negative`);
    balances.set(k, free);
  }
}
