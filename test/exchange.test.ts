import { Prisma, type LedgerEntry, type Order, type Position } from '../src/generated/prisma/client';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { fails, ok } from './helpers/responses';
import { ledgerEntryJson, orderJson } from './helpers/exchange-json';

// The paper exchange: accounts, deposits, MARKET and LIMIT orders, cancels, stop-loss /
// take-profit, closing positions, and the balances (computed here from the ledger rows) that
// must follow every money-moving mutation at once. Writes happen as fresh users; the seeded
// demo data is only read, and alice's rows are the "another user's" targets.

const { gw, demo, alice } = demoFixture();

const D = (value: string | number | Prisma.Decimal) => new Prisma.Decimal(value);
const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
const prisma = () => gw.db.prisma;

/** A key for a user no other test touches. */
const freshUser = () => gw.freshUser('exchange_user');

const ORDER_FIELDS = `id clientOrderId symbol side type quantity price status createdAt filledAt canceledAt account { id }
  position { id symbol side quantity entryPrice status realizedPnl }`;
const POSITION_FIELDS = `id symbol side quantity entryPrice status stopLoss takeProfit openedAt closedAt exitPrice realizedPnl account { id }`;
const CREATE_ACCOUNT = `mutation($input: CreateExchangeAccountInput!) { createExchangeAccount(input: $input) { account { id exchange label createdAt } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { entry { id asset amount kind reference createdAt account { id } } } }`;
const CREATE_ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { ${ORDER_FIELDS} } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { order { ${ORDER_FIELDS} } } }`;
const PROTECT = `mutation($input: SetPositionProtectionInput!) { setPositionProtection(input: $input) { position {
  ${POSITION_FIELDS} orders { totalCount edges { node { id type side status quantity price } } } } } }`;
const CLOSE = `mutation($input: ClosePositionInput!) { closePosition(input: $input) { position { ${POSITION_FIELDS} orders { edges { node { id type status } } } } } }`;
const BALANCES = `{ balances { fromCache computedAt realizedPnl openPositions assets { asset free locked total }
  accounts { account { id } assets { asset free locked total } } } }`;

const positionJson = (p: Position) => ({
  id: toGlobalId('Position', p.id),
  symbol: p.symbol,
  side: p.side,
  quantity: p.quantity.toFixed(),
  entryPrice: p.entryPrice.toFixed(),
  status: p.status,
  stopLoss: p.stopLoss?.toFixed() ?? null,
  takeProfit: p.takeProfit?.toFixed() ?? null,
  openedAt: p.openedAt.toISOString(),
  closedAt: p.closedAt?.toISOString() ?? null,
  exitPrice: p.exitPrice?.toFixed() ?? null,
  realizedPnl: p.realizedPnl?.toFixed() ?? null,
  account: { id: toGlobalId('ExchangeAccount', p.accountId) },
});
/** An order as ORDER_FIELDS asks for it, its position summarised. */
const orderWithPosition = (o: Order, position: Position | null) =>
  orderJson(
    o,
    position && {
      id: toGlobalId('Position', position.id),
      symbol: position.symbol,
      side: position.side,
      quantity: position.quantity.toFixed(),
      entryPrice: position.entryPrice.toFixed(),
      status: position.status,
      realizedPnl: position.realizedPnl?.toFixed() ?? null,
    },
  );
/** Ledger rows as [kind, asset, amount, positionId] for exact comparisons. */
const entries = (rows: LedgerEntry[]) => rows.map((e) => [e.kind, e.asset, e.amount.toFixed(), e.positionId]);

async function openAccount(key: string, label = 'main', exchange = 'paper'): Promise<string> {
  return (await ok(gw.execute(CREATE_ACCOUNT, { input: { exchange, label } }, key))).createExchangeAccount.account.id;
}
async function fund(key: string, accountId: string, amount = '100000', asset = 'USDT') {
  return (await ok(gw.execute(DEPOSIT, { input: { accountId, asset, amount } }, key))).deposit.entry;
}
async function order(key: string, input: Record<string, unknown>) {
  return (await ok(gw.execute(CREATE_ORDER, { input }, key))).createOrder.order;
}
const market = (accountId: string, side: 'BUY' | 'SELL', quantity: string, price: string, extra: Record<string, unknown> = {}) => ({
  accountId,
  symbol: 'BTC-USDT',
  side,
  type: 'MARKET',
  quantity,
  price,
  ...extra,
});
const limit = (accountId: string, side: 'BUY' | 'SELL', quantity: string, price: string, extra: Record<string, unknown> = {}) => ({
  ...market(accountId, side, quantity, price, extra),
  type: 'LIMIT',
});

/** A fresh user with one funded account. */
async function funded(amount = '100000') {
  const user = await freshUser();
  const accountId = await openAccount(user.key);
  await fund(user.key, accountId, amount);
  return { ...user, accountId };
}

/** Everything the user's exchange rows hold, to show that a refused mutation changed nothing. */
async function snapshot(userId: number) {
  const where = { account: { userId } };
  return {
    accounts: await prisma().exchangeAccount.findMany({ where: { userId }, orderBy: { id: 'asc' } }),
    positions: await prisma().position.findMany({ where, orderBy: { id: 'asc' } }),
    orders: await prisma().order.findMany({ where, orderBy: { id: 'asc' } }),
    ledger: await prisma().ledgerEntry.findMany({ where, orderBy: { id: 'asc' } }),
  };
}
const lastLedgerId = async () => (await prisma().ledgerEntry.aggregate({ _max: { id: true } }))._max.id ?? 0;
const ledgerAfter = (id: number, accountId: string) =>
  prisma().ledgerEntry.findMany({ where: { id: { gt: id }, accountId: dbId(accountId) }, orderBy: { id: 'asc' } });

// ─── Balances computed independently from the rows ───────────────────────────

type AssetBalance = { asset: string; free: string; locked: string; total: string };
const byAsset = (a: { asset: string }, b: { asset: string }) => a.asset.localeCompare(b.asset);

/** The balance summary as the ledger and the NEW LIMIT orders say it must be. */
async function expectedBalances(userId: number) {
  const accounts = await prisma().exchangeAccount.findMany({ where: { userId }, orderBy: { id: 'asc' } });
  const ledger = await prisma().ledgerEntry.findMany({ where: { account: { userId } } });
  const limits = await prisma().order.findMany({ where: { account: { userId }, status: 'NEW', type: 'LIMIT' } });
  const openPositions = await prisma().position.count({ where: { account: { userId }, status: 'OPEN' } });
  const sums = new Map<string, { total: Prisma.Decimal; locked: Prisma.Decimal }>();
  const slot = (accountId: number, asset: string) => {
    const key = `${accountId}|${asset}`;
    if (!sums.has(key)) sums.set(key, { total: D(0), locked: D(0) });
    return sums.get(key)!;
  };
  for (const e of ledger) slot(e.accountId, e.asset).total = slot(e.accountId, e.asset).total.plus(e.amount);
  for (const o of limits) {
    const s = slot(o.accountId, o.symbol.split('-')[1]!);
    s.locked = s.locked.plus(o.quantity.times(o.price!));
  }
  const balance = (asset: string, s: { total: Prisma.Decimal; locked: Prisma.Decimal }): AssetBalance => ({
    asset,
    free: s.total.minus(s.locked).toFixed(),
    locked: s.locked.toFixed(),
    total: s.total.toFixed(),
  });
  const perAsset = new Map<string, { total: Prisma.Decimal; locked: Prisma.Decimal }>();
  for (const [key, s] of sums) {
    const asset = key.split('|')[1]!;
    const sum = perAsset.get(asset) ?? { total: D(0), locked: D(0) };
    perAsset.set(asset, { total: sum.total.plus(s.total), locked: sum.locked.plus(s.locked) });
  }
  return {
    realizedPnl: ledger.filter((e) => e.kind === 'REALIZED_PNL').reduce((sum, e) => sum.plus(e.amount), D(0)).toFixed(),
    openPositions,
    assets: [...perAsset].map(([asset, s]) => balance(asset, s)).sort(byAsset),
    accounts: accounts.map((a) => ({
      account: { id: toGlobalId('ExchangeAccount', a.id) },
      assets: [...sums].filter(([key]) => key.startsWith(`${a.id}|`)).map(([key, s]) => balance(key.split('|')[1]!, s)).sort(byAsset),
    })),
  };
}

async function readBalances(key: string) {
  const { balances } = await ok(gw.execute(BALANCES, {}, key));
  const { fromCache, computedAt, ...rest } = balances;
  return {
    fromCache: fromCache as boolean,
    summary: { ...rest, assets: [...rest.assets].sort(byAsset), accounts: rest.accounts.map((a: any) => ({ ...a, assets: [...a.assets].sort(byAsset) })) },
  };
}

/** Reads the balances until they are cached, so that the next read shows whether a mutation invalidated them. */
async function primeBalanceCache(key: string) {
  await readBalances(key);
  expect((await readBalances(key)).fromCache).toBe(true);
}

/** The balances right after a mutation: computed afresh, and equal to the ledger. */
async function expectFreshBalances(key: string, userId: number) {
  const read = await readBalances(key);
  const expected = await expectedBalances(userId);
  expect(read).toEqual({ fromCache: false, summary: expected });
  return read.summary;
}

// ─── Accounts and deposits ───────────────────────────────────────────────────

describe('createExchangeAccount', () => {
  test('opens an account; the same exchange and label again is CONFLICT', async () => {
    const { key, id: userId } = await freshUser();
    const data = await ok(gw.execute(CREATE_ACCOUNT, { input: { exchange: 'paper', label: 'Main' } }, key));
    const [row] = await prisma().exchangeAccount.findMany({ where: { userId } });
    expect(data).toEqual({
      createExchangeAccount: { account: { id: toGlobalId('ExchangeAccount', row!.id), exchange: 'paper', label: 'Main', createdAt: row!.createdAt.toISOString() } },
    });
    await fails(gw.execute(CREATE_ACCOUNT, { input: { exchange: 'paper', label: 'Main' } }, key), 'CONFLICT');
    // Another exchange with that label, and another user with that exchange and label, are fine.
    await openAccount(key, 'Main', 'binance-testnet');
    await openAccount((await freshUser()).key, 'Main');
    expect(await prisma().exchangeAccount.count({ where: { userId } })).toBe(2);
  });

  test('an invalid exchange or an empty label is BAD_USER_INPUT', async () => {
    const { key, id: userId } = await freshUser();
    await fails(gw.execute(CREATE_ACCOUNT, { input: { exchange: 'no spaces', label: 'x' } }, key), 'BAD_USER_INPUT');
    await fails(gw.execute(CREATE_ACCOUNT, { input: { exchange: 'paper', label: '  ' } }, key), 'BAD_USER_INPUT');
    expect(await prisma().exchangeAccount.count({ where: { userId } })).toBe(0);
  });
});

describe('deposit', () => {
  test('books a DEPOSIT entry', async () => {
    const { key } = await freshUser();
    const accountId = await openAccount(key);
    const data = await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '1500.25', reference: 'wire-1' } }, key));
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId) } });
    expect(rows).toHaveLength(1);
    expect(data).toEqual({ deposit: { entry: ledgerEntryJson(rows[0]!) } });
    expect(data.deposit.entry).toMatchObject({ asset: 'USDT', amount: '1500.25', kind: 'DEPOSIT', reference: 'wire-1' });
  });

  test('an amount of 0 or less, or a bad asset code, is BAD_USER_INPUT naming the field; nothing is booked', async () => {
    const { key, id: userId } = await freshUser();
    const accountId = await openAccount(key);
    for (const [asset, amount, field] of [
      ['USDT', '0', 'input.amount'],
      ['USDT', '-5', 'input.amount'],
      ['usdt', '10', 'input.asset'],
    ] as const) {
      const error = await fails(gw.execute(DEPOSIT, { input: { accountId, asset, amount } }, key), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe(field);
    }
    expect(await prisma().ledgerEntry.count({ where: { account: { userId } } })).toBe(0);
  });

  test('a retry with the same reference books once (also 8 at once); another amount with it is CONFLICT', async () => {
    const { key } = await freshUser();
    const accountId = await openAccount(key);
    const first = await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '250', reference: 'ref-1' } }, key));
    const retry = await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '250', reference: 'ref-1' } }, key));
    expect(retry).toEqual(first);
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => gw.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '70', reference: 'ref-2' } }, key)),
    );
    for (const response of burst) expect(response.errors).toBeUndefined();
    expect(new Set(burst.map((r) => r.data.deposit.entry.id)).size).toBe(1);
    await fails(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '251', reference: 'ref-1' } }, key), 'CONFLICT');
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId) }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.reference, r.amount.toFixed()])).toEqual([
      ['ref-1', '250'],
      ['ref-2', '70'],
    ]);
    // Deposits without a reference are separate bookings.
    await fund(key, accountId, '1');
    await fund(key, accountId, '1');
    expect(await prisma().ledgerEntry.count({ where: { accountId: dbId(accountId) } })).toBe(4);
  });
});

// ─── Orders ──────────────────────────────────────────────────────────────────

describe('MARKET orders', () => {
  test('fill at once: open a LONG position and book FILL and COMMISSION in the quote asset', async () => {
    const { key, id: userId, accountId } = await funded();
    const mark = await lastLedgerId();
    const data = await order(key, market(accountId, 'BUY', '0.5', '40000'));
    const [row] = await prisma().order.findMany({ where: { account: { userId } } });
    const position = await prisma().position.findUniqueOrThrow({ where: { id: row!.positionId! } });
    expect(data).toEqual(orderWithPosition(row!, position));
    expect(data).toMatchObject({ type: 'MARKET', status: 'FILLED', side: 'BUY', quantity: '0.5', price: '40000', canceledAt: null });
    expect(data.filledAt).not.toBeNull();
    expect(position).toMatchObject({ symbol: 'BTC-USDT', side: 'LONG', status: 'OPEN', realizedPnl: null, accountId: dbId(accountId) });
    expect([position.quantity.toFixed(), position.entryPrice.toFixed()]).toEqual(['0.5', '40000']);
    const ledger = await ledgerAfter(mark, accountId);
    expect(entries(ledger)).toEqual([
      ['FILL', 'USDT', '-20000', position.id],
      ['COMMISSION', 'USDT', '-20', position.id],
    ]);
    expect(ledger.map((e) => e.orderId)).toEqual([row!.id, row!.id]);
  });

  test('a second fill on the same symbol and side grows the position at the weighted entry price', async () => {
    const { key, accountId } = await funded();
    const first = await order(key, market(accountId, 'BUY', '0.5', '40000'));
    const mark = await lastLedgerId();
    const second = await order(key, market(accountId, 'BUY', '0.25', '46000'));
    expect(second.position).toMatchObject({ id: first.position.id, quantity: '0.75', entryPrice: '42000', status: 'OPEN' });
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '-11500', dbId(first.position.id)],
      ['COMMISSION', 'USDT', '-11.5', dbId(first.position.id)],
    ]);
    // With the position named explicitly, too.
    const third = await order(key, market(accountId, 'BUY', '0.25', '39000', { positionId: first.position.id }));
    expect(third.position).toMatchObject({ id: first.position.id, quantity: '1', entryPrice: '41250' });
    // A SELL without positionId opens a separate SHORT.
    const short = await order(key, market(accountId, 'SELL', '0.1', '41000'));
    expect(short.position).toMatchObject({ side: 'SHORT', quantity: '0.1', entryPrice: '41000' });
    expect(short.position.id).not.toBe(first.position.id);
  });

  test('an opposite-side order with positionId reduces, then closes, the position and realizes PnL', async () => {
    const { key, id: userId, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.75', '42000'));
    const positionId = opened.position.id;
    await ok(gw.execute(PROTECT, { input: { positionId, stopLoss: '40000', takeProfit: '50000' } }, key));

    let mark = await lastLedgerId();
    const reduced = await order(key, market(accountId, 'SELL', '0.25', '44000', { positionId }));
    expect(reduced.position).toMatchObject({ id: positionId, quantity: '0.5', entryPrice: '42000', status: 'OPEN', realizedPnl: '500' });
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '10500', dbId(positionId)],
      ['REALIZED_PNL', 'USDT', '500', dbId(positionId)],
      ['COMMISSION', 'USDT', '-11', dbId(positionId)],
    ]);

    mark = await lastLedgerId();
    const closed = await order(key, market(accountId, 'SELL', '0.5', '41000', { positionId }));
    expect(closed.position).toMatchObject({ id: positionId, status: 'CLOSED', realizedPnl: '0' });
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '21000', dbId(positionId)],
      ['REALIZED_PNL', 'USDT', '-500', dbId(positionId)],
      ['COMMISSION', 'USDT', '-20.5', dbId(positionId)],
    ]);
    const position = await prisma().position.findUniqueOrThrow({ where: { id: dbId(positionId) } });
    expect(position.exitPrice?.toFixed()).toBe('41000');
    expect(position.closedAt).not.toBeNull();
    // Its protective orders went with it.
    const protective = await prisma().order.findMany({ where: { positionId: position.id, type: { in: ['STOP_LOSS', 'TAKE_PROFIT'] } } });
    expect(protective.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED']);
    // Cash: 100000 - 31500 - 31.5 + 10500 + 500 - 11 + 21000 - 500 - 20.5
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '99937', locked: '0', total: '99937' }]);
  });

  test('a SHORT is reduced by a BUY: PnL is entry minus exit', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, { ...market(accountId, 'SELL', '10', '3000'), symbol: 'ETH-USDT' });
    const mark = await lastLedgerId();
    const reduced = await order(key, { ...market(accountId, 'BUY', '4', '3100', { positionId: opened.position.id }), symbol: 'ETH-USDT' });
    expect(reduced.position).toMatchObject({ side: 'SHORT', quantity: '6', realizedPnl: '-400', status: 'OPEN' });
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '12000', dbId(opened.position.id)],
      ['REALIZED_PNL', 'USDT', '-400', dbId(opened.position.id)],
      ['COMMISSION', 'USDT', '-12.4', dbId(opened.position.id)],
    ]);
  });

  test('insufficient funds (fee included) is INSUFFICIENT_FUNDS with the amounts, and changes nothing', async () => {
    const { key, id: userId, accountId } = await funded('1001');
    const before = await snapshot(userId);
    // 1001 covers 0.025 at 40039 (1000.975) but not with its fee (1.000975).
    const short = await fails(gw.execute(CREATE_ORDER, { input: market(accountId, 'BUY', '0.025', '40039') }, key), 'INSUFFICIENT_FUNDS');
    expect(short.extensions).toMatchObject({ code: 'INSUFFICIENT_FUNDS', asset: 'USDT', required: '1001.975975', available: '1001' });
    expect(short.message).toBe('Insufficient USDT: needs 1001.975975, free 1001');
    // An asset the account never received.
    const none = await fails(gw.execute(CREATE_ORDER, { input: { ...market(accountId, 'BUY', '1', '1'), symbol: 'BTC-EUR' } }, key), 'INSUFFICIENT_FUNDS');
    expect(none.extensions).toMatchObject({ code: 'INSUFFICIENT_FUNDS', asset: 'EUR', required: '1.001', available: '0' });
    expect(await snapshot(userId)).toEqual(before);
    // Exactly enough is enough: 1000 + 1 fee.
    await order(key, market(accountId, 'BUY', '0.025', '40000'));
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '0', locked: '0', total: '0' }]);
  });

  test('invalid orders are BAD_USER_INPUT naming the field; a closed position is CONFLICT; nothing changes', async () => {
    const { key, id: userId, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const otherAccount = await openAccount(key, 'second');
    await fund(key, otherAccount);
    const closedOne = await order(key, { ...market(accountId, 'BUY', '1', '100'), symbol: 'SOL-USDT' });
    await ok(gw.execute(CLOSE, { input: { positionId: closedOne.position.id, exitPrice: '110' } }, key));
    const before = await snapshot(userId);
    for (const [input, field] of [
      [market(accountId, 'BUY', '0', '40000'), 'input.quantity'],
      [market(accountId, 'BUY', '1', '0'), 'input.price'],
      [{ ...market(accountId, 'BUY', '1', '1'), symbol: 'btcusdt' }, 'input.symbol'],
      [{ ...market(accountId, 'BUY', '1', '1'), type: 'STOP_LOSS' }, 'input.type'],
      [market(accountId, 'SELL', '0.2', '41000', { positionId: opened.position.id }), 'input.quantity'],
      [{ ...market(accountId, 'SELL', '0.1', '1', { positionId: opened.position.id }), symbol: 'ETH-USDT' }, 'input.symbol'],
      [market(accountId, 'BUY', '0.1', '1', { positionId: opened.id }), 'input.positionId'],
    ] as const) {
      const error = await fails(gw.execute(CREATE_ORDER, { input }, key), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe(field);
    }
    await fails(gw.execute(CREATE_ORDER, { input: { ...market(accountId, 'SELL', '1', '120', { positionId: closedOne.position.id }), symbol: 'SOL-USDT' } }, key), 'CONFLICT');
    // The position lives in another account of the viewer's.
    await fails(gw.execute(CREATE_ORDER, { input: market(otherAccount, 'SELL', '0.1', '1', { positionId: opened.position.id }) }, key), 'NOT_FOUND');
    expect(await snapshot(userId)).toEqual(before);
  });
});

describe('LIMIT orders and cancelOrder', () => {
  test('a LIMIT order stays NEW and locks its funds; canceling it releases them', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    const mark = await lastLedgerId();
    const placed = await order(key, limit(accountId, 'BUY', '0.1', '38000'));
    const row = await prisma().order.findUniqueOrThrow({ where: { id: dbId(placed.id) } });
    expect(placed).toEqual(orderWithPosition(row, null));
    expect(placed).toMatchObject({ type: 'LIMIT', status: 'NEW', filledAt: null, position: null });
    expect(await ledgerAfter(mark, accountId)).toEqual([]);
    expect(await prisma().position.count({ where: { account: { userId } } })).toBe(0);
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '6200', locked: '3800', total: '10000' }]);

    // The lock counts against later orders: 6200 free, not 10000.
    const overLock = await fails(gw.execute(CREATE_ORDER, { input: limit(accountId, 'BUY', '0.2', '31001') }, key), 'INSUFFICIENT_FUNDS');
    expect(overLock.extensions).toMatchObject({ asset: 'USDT', required: '6200.2', available: '6200' });
    await fails(gw.execute(CREATE_ORDER, { input: market(accountId, 'BUY', '0.2', '31000') }, key), 'INSUFFICIENT_FUNDS');

    const canceled = await ok(gw.execute(CANCEL, { id: placed.id }, key));
    const after = await prisma().order.findUniqueOrThrow({ where: { id: row.id } });
    expect(canceled).toEqual({ cancelOrder: { order: orderWithPosition(after, null) } });
    expect(after.status).toBe('CANCELED');
    expect(after.canceledAt).not.toBeNull();
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '10000', locked: '0', total: '10000' }]);
    await order(key, limit(accountId, 'BUY', '0.2', '31000'));
  });

  test('only NEW orders can be canceled: a CANCELED or FILLED one is CONFLICT and unchanged', async () => {
    const { key, id: userId, accountId } = await funded();
    const placed = await order(key, limit(accountId, 'SELL', '1', '100'));
    await ok(gw.execute(CANCEL, { id: placed.id }, key));
    const filled = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const before = await snapshot(userId);
    await fails(gw.execute(CANCEL, { id: placed.id }, key), 'CONFLICT');
    await fails(gw.execute(CANCEL, { id: filled.id }, key), 'CONFLICT');
    expect(await snapshot(userId)).toEqual(before);
  });

  test('canceling a protective order removes that level from its position', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const protectedPosition = await ok(gw.execute(PROTECT, { input: { positionId: opened.position.id, stopLoss: '39000', takeProfit: '45000' } }, key));
    const stop = protectedPosition.setPositionProtection.position.orders.edges.find((e: any) => e.node.type === 'STOP_LOSS').node;
    await ok(gw.execute(CANCEL, { id: stop.id }, key));
    const position = await prisma().position.findUniqueOrThrow({ where: { id: dbId(opened.position.id) } });
    expect([position.stopLoss, position.takeProfit?.toFixed()]).toEqual([null, '45000']);
  });
});

describe('clientOrderId', () => {
  test('a retry returns the first order and books nothing new; the same clientOrderId with other content is CONFLICT', async () => {
    const { key, id: userId, accountId } = await funded();
    const first = await order(key, market(accountId, 'BUY', '0.1', '40000', { clientOrderId: 'bot-1' }));
    const before = await snapshot(userId);
    const retry = await order(key, market(accountId, 'BUY', '0.10', '40000.0', { clientOrderId: 'bot-1' }));
    expect(retry).toEqual(first);
    expect(await snapshot(userId)).toEqual(before);
    for (const other of [market(accountId, 'BUY', '0.1', '40500', { clientOrderId: 'bot-1' }), market(accountId, 'SELL', '0.1', '40000', { clientOrderId: 'bot-1' }), market(accountId, 'BUY', '0.2', '40000', { clientOrderId: 'bot-1' }), limit(accountId, 'BUY', '0.1', '40000', { clientOrderId: 'bot-1' })]) {
      const refused = await gw.http(CREATE_ORDER, { input: other }, key);
      expect(refused.data).toBeNull();
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.clientOrderId' });
      expect(refused.errors![0]!.message).toContain('bot-1');
    }
    expect(await snapshot(userId)).toEqual(before);
  });

  test('10 concurrent MARKET orders with one clientOrderId fill once', async () => {
    const { key, id: userId, accountId } = await funded();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => gw.http(CREATE_ORDER, { input: market(accountId, 'BUY', '0.1', '40000', { clientOrderId: 'burst' }) }, key)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const orders = await prisma().order.findMany({ where: { account: { userId } } });
    expect(orders).toHaveLength(1);
    for (const response of responses) expect(response.data.createOrder.order.id).toBe(toGlobalId('Order', orders[0]!.id));
    const positions = await prisma().position.findMany({ where: { account: { userId } } });
    expect(positions.map((p) => p.quantity.toFixed())).toEqual(['0.1']);
    expect(entries(await prisma().ledgerEntry.findMany({ where: { account: { userId }, kind: { not: 'DEPOSIT' } }, orderBy: { id: 'asc' } }))).toEqual([
      ['FILL', 'USDT', '-4000', positions[0]!.id],
      ['COMMISSION', 'USDT', '-4', positions[0]!.id],
    ]);
  });

  test('10 concurrent LIMIT orders with one clientOrderId lock once', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => gw.http(CREATE_ORDER, { input: limit(accountId, 'BUY', '0.1', '30000', { clientOrderId: 'burst-limit' }) }, key)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    expect(await prisma().order.count({ where: { account: { userId } } })).toBe(1);
    expect(new Set(responses.map((r) => r.data.createOrder.order.id)).size).toBe(1);
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '7000', locked: '3000', total: '10000' }]);
  });
});

// ─── Protection and closing ──────────────────────────────────────────────────

describe('setPositionProtection', () => {
  test('places SL and TP orders; setting again cancels the old ones; an omitted level is removed', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.2', '40000'));
    const positionId = opened.position.id;
    const first = (await ok(gw.execute(PROTECT, { input: { positionId, stopLoss: '38000', takeProfit: '46000' } }, key))).setPositionProtection.position;
    expect(first).toMatchObject({ stopLoss: '38000', takeProfit: '46000', status: 'OPEN' });
    expect(first.orders.edges.map((e: any) => e.node)).toEqual([
      { id: opened.id, type: 'MARKET', side: 'BUY', status: 'FILLED', quantity: '0.2', price: '40000' },
      { id: expect.any(String), type: 'STOP_LOSS', side: 'SELL', status: 'NEW', quantity: '0.2', price: '38000' },
      { id: expect.any(String), type: 'TAKE_PROFIT', side: 'SELL', status: 'NEW', quantity: '0.2', price: '46000' },
    ]);

    const second = (await ok(gw.execute(PROTECT, { input: { positionId, stopLoss: '39000' } }, key))).setPositionProtection.position;
    const row = await prisma().position.findUniqueOrThrow({ where: { id: dbId(positionId) } });
    expect(second).toMatchObject(positionJson(row));
    expect([row.stopLoss?.toFixed(), row.takeProfit]).toEqual(['39000', null]);
    const orders = await prisma().order.findMany({ where: { positionId: row.id }, orderBy: { id: 'asc' } });
    expect(orders.map((o) => [o.type, o.status, o.price?.toFixed()])).toEqual([
      ['MARKET', 'FILLED', '40000'],
      ['STOP_LOSS', 'CANCELED', '38000'],
      ['TAKE_PROFIT', 'CANCELED', '46000'],
      ['STOP_LOSS', 'NEW', '39000'],
    ]);
    expect(second.orders.totalCount).toBe(4);
  });

  test('cancels the old protective orders in one statement, however many there are', async () => {
    const { key, accountId } = await funded();
    const a = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const b = await order(key, { ...market(accountId, 'BUY', '1', '3000'), symbol: 'ETH-USDT' });
    await ok(gw.execute(PROTECT, { input: { positionId: a.position.id, stopLoss: '38000', takeProfit: '46000' } }, key));
    const replacing = await gw.execute(`mutation($input: SetPositionProtectionInput!) { setPositionProtection(input: $input) { position { id } } }`, { input: { positionId: a.position.id, stopLoss: '38500', takeProfit: '46500' } }, key);
    const first = await gw.execute(`mutation($input: SetPositionProtectionInput!) { setPositionProtection(input: $input) { position { id } } }`, { input: { positionId: b.position.id, stopLoss: '2900', takeProfit: '3200' } }, key);
    expect(replacing.errors).toBeUndefined();
    expect(first.errors).toBeUndefined();
    expect(replacing.statements).toBe(first.statements);
  });

  test('levels on the wrong side of the entry are BAD_USER_INPUT naming the field (LONG and SHORT); nothing changes', async () => {
    const { key, id: userId, accountId } = await funded();
    const long = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const short = await order(key, { ...market(accountId, 'SELL', '1', '3000'), symbol: 'ETH-USDT' });
    await ok(gw.execute(PROTECT, { input: { positionId: long.position.id, stopLoss: '39000', takeProfit: '41000' } }, key));
    const before = await snapshot(userId);
    for (const [positionId, levels, field] of [
      [long.position.id, { stopLoss: '40000' }, 'input.stopLoss'],
      [long.position.id, { stopLoss: '40001' }, 'input.stopLoss'],
      [long.position.id, { takeProfit: '40000' }, 'input.takeProfit'],
      [long.position.id, { stopLoss: '39000', takeProfit: '39999' }, 'input.takeProfit'],
      [long.position.id, { stopLoss: '0' }, 'input.stopLoss'],
      [short.position.id, { stopLoss: '2999' }, 'input.stopLoss'],
      [short.position.id, { stopLoss: '3000' }, 'input.stopLoss'],
      [short.position.id, { takeProfit: '3001' }, 'input.takeProfit'],
    ] as const) {
      const error = await fails(gw.execute(PROTECT, { input: { positionId, ...levels } }, key), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe(field);
    }
    expect(await snapshot(userId)).toEqual(before);
    const data = await ok(gw.execute(PROTECT, { input: { positionId: short.position.id, stopLoss: '3100', takeProfit: '2800' } }, key));
    expect(data.setPositionProtection.position).toMatchObject({ side: 'SHORT', stopLoss: '3100', takeProfit: '2800' });
    expect(data.setPositionProtection.position.orders.edges.filter((e: any) => e.node.status === 'NEW').map((e: any) => e.node.side)).toEqual(['BUY', 'BUY']);
  });

  test('a CLOSED position is CONFLICT', async () => {
    const { key, id: userId, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    await ok(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '41000' } }, key));
    const before = await snapshot(userId);
    await fails(gw.execute(PROTECT, { input: { positionId: opened.position.id, stopLoss: '39000' } }, key), 'CONFLICT');
    expect(await snapshot(userId)).toEqual(before);
  });
});

describe('closePosition', () => {
  test('closes a LONG at (exit - entry) x qty, cancels its open orders, books FILL and REALIZED_PNL', async () => {
    const { key, id: userId, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.5', '40000'));
    const positionId = opened.position.id;
    await ok(gw.execute(PROTECT, { input: { positionId, stopLoss: '38000', takeProfit: '46000' } }, key));
    const attachedLimit = await order(key, limit(accountId, 'SELL', '0.5', '45000', { positionId }));
    const otherLimit = await order(key, limit(accountId, 'BUY', '0.1', '30000'));

    const mark = await lastLedgerId();
    const data = await ok(gw.execute(CLOSE, { input: { positionId, exitPrice: '43000.5' } }, key));
    const row = await prisma().position.findUniqueOrThrow({ where: { id: dbId(positionId) } });
    expect(data.closePosition.position).toMatchObject(positionJson(row));
    expect(row).toMatchObject({ status: 'CLOSED' });
    expect([row.exitPrice?.toFixed(), row.realizedPnl?.toFixed()]).toEqual(['43000.5', '1500.25']);
    expect(row.closedAt).not.toBeNull();
    expect(data.closePosition.position.orders.edges.map((e: any) => [e.node.type, e.node.status])).toEqual([
      ['MARKET', 'FILLED'],
      ['STOP_LOSS', 'CANCELED'],
      ['TAKE_PROFIT', 'CANCELED'],
      ['LIMIT', 'CANCELED'],
    ]);
    expect((await prisma().order.findUniqueOrThrow({ where: { id: dbId(attachedLimit.id) } })).status).toBe('CANCELED');
    expect((await prisma().order.findUniqueOrThrow({ where: { id: dbId(otherLimit.id) } })).status).toBe('NEW');
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '20000', row.id],
      ['REALIZED_PNL', 'USDT', '1500.25', row.id],
    ]);
    const balances = await expectedBalances(userId);
    expect(balances).toMatchObject({ realizedPnl: '1500.25', openPositions: 0 });
    expect(balances.assets).toEqual([{ asset: 'USDT', free: '98480.25', locked: '3000', total: '101480.25' }]);
  });

  test('closes a SHORT at (entry - exit) x qty, a loss when the price rose', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, { ...market(accountId, 'SELL', '10', '3000'), symbol: 'ETH-USDT' });
    const mark = await lastLedgerId();
    const data = await ok(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '3125' } }, key));
    expect(data.closePosition.position).toMatchObject({ side: 'SHORT', status: 'CLOSED', exitPrice: '3125', realizedPnl: '-1250' });
    expect(entries(await ledgerAfter(mark, accountId))).toEqual([
      ['FILL', 'USDT', '30000', dbId(opened.position.id)],
      ['REALIZED_PNL', 'USDT', '-1250', dbId(opened.position.id)],
    ]);
  });

  test('after a partial reduce, the close realizes the rest and realizedPnl adds up', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '1', '40000'));
    await order(key, market(accountId, 'SELL', '0.4', '41000', { positionId: opened.position.id }));
    const data = await ok(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '39000' } }, key));
    expect(data.closePosition.position).toMatchObject({ quantity: '0.6', realizedPnl: '-200' });
    const pnl = await prisma().ledgerEntry.findMany({ where: { positionId: dbId(opened.position.id), kind: 'REALIZED_PNL' }, orderBy: { id: 'asc' } });
    expect(pnl.map((e) => e.amount.toFixed())).toEqual(['400', '-600']);
  });

  test('closing twice is CONFLICT; of 10 concurrent closes exactly one wins and books one REALIZED_PNL', async () => {
    const { key, id: userId, accountId } = await funded();
    const once = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    await ok(gw.execute(CLOSE, { input: { positionId: once.position.id, exitPrice: '41000' } }, key));
    const before = await snapshot(userId);
    await fails(gw.execute(CLOSE, { input: { positionId: once.position.id, exitPrice: '42000' } }, key), 'CONFLICT');
    expect(await snapshot(userId)).toEqual(before);

    for (let round = 0; round < 3; round++) {
      const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, n) => gw.http(CLOSE, { input: { positionId: opened.position.id, exitPrice: `${41000 + n}` } }, key)),
      );
      const winners = responses.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      for (const r of responses.filter((r) => r.errors)) {
        expect(r.data).toBeNull();
        expect(r.errors![0]!.extensions!.code).toBe('CONFLICT');
      }
      const id = dbId(opened.position.id);
      const pnl = await prisma().ledgerEntry.findMany({ where: { positionId: id, kind: 'REALIZED_PNL' } });
      const fills = await prisma().ledgerEntry.findMany({ where: { positionId: id, kind: 'FILL', amount: { gt: 0 } } });
      const row = await prisma().position.findUniqueOrThrow({ where: { id } });
      expect(pnl).toHaveLength(1);
      expect(fills).toHaveLength(1);
      expect(pnl[0]!.amount.toFixed()).toBe(row.realizedPnl!.toFixed());
      expect(winners[0]!.data.closePosition.position).toMatchObject({ status: 'CLOSED', exitPrice: row.exitPrice!.toFixed(), realizedPnl: row.realizedPnl!.toFixed() });
      expect(row.realizedPnl!.toFixed()).toBe(row.exitPrice!.minus(40000).times('0.1').toFixed());
    }
  });

  test('an exitPrice of 0 is BAD_USER_INPUT', async () => {
    const { key, accountId } = await funded();
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    const error = await fails(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '0' } }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.exitPrice');
  });

  test('a close racing orders, a cancel and new protection on the same position: no deadlock, no double booking', async () => {
    const { key, id: userId, accountId } = await funded('1000000');
    for (let round = 0; round < 4; round++) {
      const opened = await order(key, market(accountId, 'BUY', '1', '40000'));
      const positionId = opened.position.id;
      const protectedPosition = await ok(gw.execute(PROTECT, { input: { positionId, stopLoss: '39000', takeProfit: '41000' } }, key));
      const stopOrder = protectedPosition.setPositionProtection.position.orders.edges.find((e: any) => e.node.type === 'STOP_LOSS' && e.node.status === 'NEW').node;
      const requests = [
        () => gw.http(CREATE_ORDER, { input: market(accountId, 'SELL', '1', '41000', { positionId }) }, key),
        () => gw.http(CLOSE, { input: { positionId, exitPrice: '42000' } }, key),
        () => gw.http(CREATE_ORDER, { input: market(accountId, 'BUY', '1', '40000') }, key),
        () => gw.http(CREATE_ORDER, { input: market(accountId, 'SELL', '0.5', '41000', { positionId }) }, key),
        () => gw.http(CANCEL, { id: stopOrder.id }, key),
        () => gw.http(PROTECT, { input: { positionId, stopLoss: '38000', takeProfit: '43000' } }, key),
      ];
      // A different interleaving each round.
      const rotated = [...requests.slice(round), ...requests.slice(0, round)];
      const responses = await Promise.all(rotated.map((request) => request()));
      // Whatever won, the ledger of every position agrees with the position rows.
      for (const position of await prisma().position.findMany({ where: { account: { userId } } })) {
        const ledger = await prisma().ledgerEntry.findMany({ where: { positionId: position.id } });
        const fills = ledger.filter((e) => e.kind === 'FILL');
        const costIn = fills.filter((e) => e.amount.isNegative()).reduce((s, e) => s.minus(e.amount), D(0));
        const costOut = fills.filter((e) => e.amount.isPositive()).reduce((s, e) => s.plus(e.amount), D(0));
        const held = position.status === 'OPEN' ? position.quantity.times(position.entryPrice) : D(0);
        expect({ id: position.id, status: position.status, cost: costIn.minus(costOut).minus(held).toFixed() }).toEqual({ id: position.id, status: position.status, cost: '0' });
        const realized = ledger.filter((e) => e.kind === 'REALIZED_PNL').reduce((s, e) => s.plus(e.amount), D(0));
        expect(realized.toFixed()).toBe((position.realizedPnl ?? D(0)).toFixed());
        // A closed position has no open orders; an open one's open protective orders are its levels.
        const open = await prisma().order.findMany({ where: { positionId: position.id, status: 'NEW' } });
        const levels = (type: string) => open.filter((o) => o.type === type).map((o) => o.price!.toFixed());
        expect({ id: position.id, stopLoss: levels('STOP_LOSS'), takeProfit: levels('TAKE_PROFIT') }).toEqual({
          id: position.id,
          stopLoss: position.status === 'OPEN' && position.stopLoss ? [position.stopLoss.toFixed()] : [],
          takeProfit: position.status === 'OPEN' && position.takeProfit ? [position.takeProfit.toFixed()] : [],
        });
      }
      // ...and the losers were refused for a reason of the client's, not by a deadlock.
      const codes = responses.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes.filter((code) => !/^(OK|CONFLICT|BAD_USER_INPUT)$/.test(code as string))).toEqual([]);
    }
  });
});

describe("another user's account, position and order", () => {
  test('are NOT_FOUND to every mutation, and nothing changes', async () => {
    const account = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id } });
    const position = await prisma().position.findFirstOrThrow({ where: { accountId: account.id, status: 'OPEN' } });
    const newOrder = await prisma().order.findFirstOrThrow({ where: { accountId: account.id, status: 'NEW' } });
    const before = await snapshot(alice.id);
    const { key, accountId } = await funded();
    const accountGid = toGlobalId('ExchangeAccount', account.id);
    const positionGid = toGlobalId('Position', position.id);
    for (const [query, variables] of [
      [DEPOSIT, { input: { accountId: accountGid, asset: 'USDT', amount: '1' } }],
      [CREATE_ORDER, { input: market(accountGid, 'BUY', '0.001', '1') }],
      [CREATE_ORDER, { input: limit(accountGid, 'BUY', '0.001', '1') }],
      [CREATE_ORDER, { input: { ...market(accountId, 'SELL', '1', '190', { positionId: positionGid }), symbol: position.symbol } }],
      [CREATE_ORDER, { input: { ...market(accountGid, 'SELL', '1', '190', { positionId: positionGid }), symbol: position.symbol } }],
      [CANCEL, { id: toGlobalId('Order', newOrder.id) }],
      [PROTECT, { input: { positionId: positionGid, stopLoss: '1', takeProfit: '1000' } }],
      [CLOSE, { input: { positionId: positionGid, exitPrice: '200' } }],
    ] as const) {
      await fails(gw.execute(query, variables, key), 'NOT_FOUND');
    }
    expect(await snapshot(alice.id)).toEqual(before);
  });

  test('read as null through node, position and the relations', async () => {
    const account = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id } });
    const position = await prisma().position.findFirstOrThrow({ where: { accountId: account.id } });
    const anOrder = await prisma().order.findFirstOrThrow({ where: { accountId: account.id } });
    const entry = await prisma().ledgerEntry.findFirstOrThrow({ where: { accountId: account.id } });
    const data = await ok(gw.execute(
      `query($a: ID!, $p: ID!, $o: ID!, $l: ID!) { position(id: $p) { id } a: node(id: $a) { id } p: node(id: $p) { id } o: node(id: $o) { id } l: node(id: $l) { id } }`,
      {
        a: toGlobalId('ExchangeAccount', account.id),
        p: toGlobalId('Position', position.id),
        o: toGlobalId('Order', anOrder.id),
        l: toGlobalId('LedgerEntry', entry.id),
      },
      demo.key,
    ));
    expect(data).toEqual({ position: null, a: null, p: null, o: null, l: null });
  });
});

// ─── Balances follow every money-moving mutation ─────────────────────────────

describe('balances', () => {
  test("demo's seeded balances equal the ledger", async () => {
    expect((await readBalances(demo.key)).summary).toEqual(await expectedBalances(demo.id));
  });

  test('reflect each money-moving mutation at once, never the cached summary from before it', async () => {
    const { key, id: userId } = await freshUser();
    expect((await readBalances(key)).summary).toEqual({ realizedPnl: '0', openPositions: 0, assets: [], accounts: [] });

    await primeBalanceCache(key);
    const accountId = await openAccount(key);
    let summary = await expectFreshBalances(key, userId);
    expect(summary.accounts).toEqual([{ account: { id: accountId }, assets: [] }]);

    await primeBalanceCache(key);
    await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '50000', reference: 'dep-1' } }, key));
    summary = await expectFreshBalances(key, userId);
    expect(summary.assets).toEqual([{ asset: 'USDT', free: '50000', locked: '0', total: '50000' }]);

    await primeBalanceCache(key);
    await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'EUR', amount: '300' } }, key));
    summary = await expectFreshBalances(key, userId);
    expect(summary.assets).toEqual([
      { asset: 'EUR', free: '300', locked: '0', total: '300' },
      { asset: 'USDT', free: '50000', locked: '0', total: '50000' },
    ]);

    await primeBalanceCache(key);
    const opened = await order(key, market(accountId, 'BUY', '0.5', '40000'));
    summary = await expectFreshBalances(key, userId);
    expect(summary).toMatchObject({ openPositions: 1, realizedPnl: '0' });
    expect(summary.assets[1]).toEqual({ asset: 'USDT', free: '29980', locked: '0', total: '29980' });

    await primeBalanceCache(key);
    const placed = await order(key, limit(accountId, 'BUY', '0.25', '38000'));
    summary = await expectFreshBalances(key, userId);
    expect(summary.assets[1]).toEqual({ asset: 'USDT', free: '20480', locked: '9500', total: '29980' });

    await primeBalanceCache(key);
    await ok(gw.execute(CANCEL, { id: placed.id }, key));
    summary = await expectFreshBalances(key, userId);
    expect(summary.assets[1]).toEqual({ asset: 'USDT', free: '29980', locked: '0', total: '29980' });

    await primeBalanceCache(key);
    await order(key, market(accountId, 'SELL', '0.1', '42000', { positionId: opened.position.id }));
    summary = await expectFreshBalances(key, userId);
    expect(summary).toMatchObject({ openPositions: 1, realizedPnl: '200' });
    expect(summary.assets[1]).toEqual({ asset: 'USDT', free: '34175.8', locked: '0', total: '34175.8' });

    await primeBalanceCache(key);
    await ok(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '39000' } }, key));
    summary = await expectFreshBalances(key, userId);
    expect(summary).toMatchObject({ openPositions: 0, realizedPnl: '-200' });
    expect(summary.assets[1]).toEqual({ asset: 'USDT', free: '49775.8', locked: '0', total: '49775.8' });

    // A second account shows up, and per-account figures stay separate.
    await primeBalanceCache(key);
    const second = await openAccount(key, 'second');
    await expectFreshBalances(key, userId);
    await fund(key, second, '10');
    summary = await expectFreshBalances(key, userId);
    expect(summary.accounts.map((a: any) => [a.account.id, a.assets.map((b: AssetBalance) => `${b.asset}:${b.total}`)])).toEqual([
      [accountId, ['EUR:300', 'USDT:49775.8']],
      [second, ['USDT:10']],
    ]);
  });
});

describe('balances after retries', () => {
  /**
   * Runs `first` until its transaction has committed, holds it there (before it answers), runs
   * `whileHeld`, then lets it finish: what a client sees when a retry, or the loser of a race,
   * is answered first. The balance version is replaced inside that commit, so nothing is pending.
   */
  async function withFirstHeldAfterCommit<T>(first: () => Promise<unknown>, whileHeld: () => Promise<T>): Promise<T> {
    const client = gw.db.prisma as unknown as { $transaction: (...args: unknown[]) => Promise<unknown> };
    const original = client.$transaction;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    let calls = 0;
    client.$transaction = async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      if (++calls === 1) {
        reached();
        await held;
      }
      return result;
    };
    const running = first();
    try {
      await arrived;
      return await whileHeld();
    } finally {
      release();
      client.$transaction = original;
      await running;
    }
  }

  test('two deposits with one reference at once: one entry, and the next read shows it', async () => {
    const { key, id: userId } = await freshUser();
    const accountId = await openAccount(key);
    await fund(key, accountId, '100');
    await primeBalanceCache(key);
    const input = { accountId, asset: 'USDT', amount: '50', reference: 'slow-1' };
    const [a, b] = await Promise.all([ok(gw.execute(DEPOSIT, { input }, key)), ok(gw.execute(DEPOSIT, { input }, key))]);
    expect(a).toEqual(b);
    await expectFreshBalances(key, userId);
    expect((await expectedBalances(userId)).assets).toEqual([{ asset: 'USDT', free: '150', locked: '0', total: '150' }]);
  });

  test('an order retry (same clientOrderId) answered while the first request is held after its commit shows the order', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    await primeBalanceCache(key);
    const input = market(accountId, 'BUY', '0.1', '40000', { clientOrderId: 'slow-order' });
    await withFirstHeldAfterCommit(
      () => gw.execute(CREATE_ORDER, { input }, key),
      async () => {
        await order(key, input);
        const summary = await expectFreshBalances(key, userId);
        expect(summary).toMatchObject({ openPositions: 1, assets: [{ asset: 'USDT', free: '5996', locked: '0', total: '5996' }] });
      },
    );
  });

  test('a close refused as CONFLICT while the winning close is held after its commit: balances show the close', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    await primeBalanceCache(key);
    await withFirstHeldAfterCommit(
      () => gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '41000' } }, key),
      async () => {
        await fails(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '41000' } }, key), 'CONFLICT');
        const summary = await expectFreshBalances(key, userId);
        expect(summary).toMatchObject({ openPositions: 0, realizedPnl: '100', assets: [{ asset: 'USDT', free: '10096', locked: '0', total: '10096' }] });
      },
    );
  });

  test('an order on a position refused as CONFLICT while its close is held after its commit: balances show the close', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    const opened = await order(key, market(accountId, 'BUY', '0.1', '40000'));
    await primeBalanceCache(key);
    await withFirstHeldAfterCommit(
      () => gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '39000' } }, key),
      async () => {
        await fails(gw.execute(CREATE_ORDER, { input: market(accountId, 'SELL', '0.1', '39000', { positionId: opened.position.id }) }, key), 'CONFLICT');
        const summary = await expectFreshBalances(key, userId);
        expect(summary).toMatchObject({ openPositions: 0, realizedPnl: '-100' });
      },
    );
  });

  test('a cancel refused as CONFLICT while the winning cancel is held after its commit: balances show the release', async () => {
    const { key, id: userId, accountId } = await funded('10000');
    const placed = await order(key, limit(accountId, 'BUY', '0.1', '40000'));
    await primeBalanceCache(key);
    await withFirstHeldAfterCommit(
      () => gw.execute(CANCEL, { id: placed.id }, key),
      async () => {
        await fails(gw.execute(CANCEL, { id: placed.id }, key), 'CONFLICT');
        const summary = await expectFreshBalances(key, userId);
        expect(summary.assets).toEqual([{ asset: 'USDT', free: '10000', locked: '0', total: '10000' }]);
      },
    );
  });
});

// ─── Queries and relations ───────────────────────────────────────────────────

describe('exchange queries', () => {
  test("exchangeAccounts lists the viewer's accounts, oldest first", async () => {
    const rows = await prisma().exchangeAccount.findMany({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(3);
    const data = await ok(gw.execute(`{ exchangeAccounts { id exchange label createdAt } }`, {}, demo.key));
    expect(data.exchangeAccounts).toEqual(
      rows.map((a) => ({ id: toGlobalId('ExchangeAccount', a.id), exchange: a.exchange, label: a.label, createdAt: a.createdAt.toISOString() })),
    );
    expect(await ok(gw.execute(`{ exchangeAccounts { id } }`, {}, (await freshUser()).key))).toEqual({ exchangeAccounts: [] });
  });

  test('position(id) returns every field; positions(first, after, status) pages newest first', async () => {
    const rows = await prisma().position.findMany({ where: { account: { userId: demo.id } }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] });
    const one = rows.find((p) => p.status === 'CLOSED' && p.stopLoss)!;
    expect(await ok(gw.execute(`query($id: ID!) { position(id: $id) { ${POSITION_FIELDS} } }`, { id: toGlobalId('Position', one.id) }, demo.key))).toEqual({ position: positionJson(one) });
    for (const status of [undefined, 'OPEN', 'CLOSED'] as const) {
      const expected = rows.filter((p) => !status || p.status === status).map((p) => toGlobalId('Position', p.id));
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const data: any = await ok(gw.execute(
          `query($after: String, $status: PositionStatus) { positions(first: 4, after: $after, status: $status) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`,
          { after, status },
          demo.key,
        ));
        expect(data.positions.totalCount).toBe(expected.length);
        seen.push(...data.positions.edges.map((e: any) => e.node.id));
        if (!data.positions.pageInfo.hasNextPage) break;
        after = data.positions.pageInfo.endCursor;
      }
      expect({ status, seen }).toEqual({ status, seen: expected });
    }
  });

  test('positions(filter: { symbol, accountId, side }) narrows the list, with status too, through every page', async () => {
    const rows = await prisma().position.findMany({ where: { account: { userId: demo.id } }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] });
    const accounts = [...new Set(rows.map((p) => p.accountId))];
    expect(accounts.length).toBeGreaterThan(1);
    const account = toGlobalId('ExchangeAccount', accounts[1]!);
    const cases: Array<[{ status?: string; filter?: Record<string, unknown> }, (p: Position) => boolean]> = [
      [{ filter: { symbol: 'BTC-USDT' } }, (p) => p.symbol === 'BTC-USDT'],
      // The exchange-native spelling finds the same positions.
      [{ filter: { symbol: 'ETHUSDT' } }, (p) => p.symbol === 'ETH-USDT'],
      [{ filter: { accountId: account } }, (p) => p.accountId === accounts[1]],
      [{ filter: { side: 'SHORT' } }, (p) => p.side === 'SHORT'],
      [{ filter: { side: 'LONG' } }, (p) => p.side === 'LONG'],
      [{ status: 'CLOSED', filter: { symbol: 'SOLUSDT', side: 'LONG' } }, (p) => p.status === 'CLOSED' && p.symbol === 'SOL-USDT' && p.side === 'LONG'],
      [{ status: 'OPEN', filter: { accountId: account, symbol: 'BTC-USDT' } }, (p) => p.status === 'OPEN' && p.accountId === accounts[1] && p.symbol === 'BTC-USDT'],
      [{ filter: {} }, () => true],
      [{ filter: { symbol: 'DOGE-USDT' } }, () => false],
    ];
    for (const [args, keep] of cases) {
      const expected = rows.filter(keep).map((p) => toGlobalId('Position', p.id));
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const data: any = await ok(gw.execute(
          `query($after: String, $status: PositionStatus, $filter: PositionFilter) {
            positions(first: 3, after: $after, status: $status, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
          { after, ...args },
          demo.key,
        ));
        expect(data.positions.totalCount).toBe(expected.length);
        seen.push(...data.positions.edges.map((e: any) => e.node.id));
        if (!data.positions.pageInfo.hasNextPage) break;
        after = data.positions.pageInfo.endCursor;
      }
      expect({ args, seen }).toEqual({ args, seen: expected });
    }
    // Sanity: the filters keep some positions and drop others.
    for (const keep of [(p: Position) => p.side === 'SHORT', (p: Position) => p.accountId === accounts[1], (p: Position) => p.symbol === 'ETH-USDT']) {
      expect(rows.filter(keep).length).toBeGreaterThan(0);
      expect(rows.filter(keep).length).toBeLessThan(rows.length);
    }
  });

  test("positions(filter:) with another user's account lists nothing; a bad symbol or account is BAD_USER_INPUT naming it", async () => {
    const alices = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id, positions: { some: {} } } });
    const LIST = `query($filter: PositionFilter) { positions(filter: $filter) { totalCount edges { node { id } } } }`;
    expect(await ok(gw.execute(LIST, { filter: { accountId: toGlobalId('ExchangeAccount', alices.id) } }, demo.key))).toEqual({ positions: { totalCount: 0, edges: [] } });
    for (const [filter, field] of [
      [{ symbol: 'BTC/USDT' }, 'filter.symbol'],
      [{ symbol: 'BTCXYZ' }, 'filter.symbol'],
      [{ accountId: toGlobalId('Position', 1) }, 'filter.accountId'],
    ] as const) {
      const error = await fails(gw.execute(LIST, { filter }, demo.key), 'BAD_USER_INPUT');
      expect({ filter, field: error.extensions?.field }).toEqual({ filter, field });
    }
  });

  test('ExchangeAccount.positions(status) pages each account\'s positions; Position.account resolves', async () => {
    const accounts = await prisma().exchangeAccount.findMany({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    for (const status of [null, 'OPEN', 'CLOSED'] as const) {
      const data = await ok(gw.execute(
        `query($status: PositionStatus) { exchangeAccounts { id positions(first: 3, status: $status) { totalCount pageInfo { hasNextPage } edges { node { id status account { id label } } } } } }`,
        { status },
        demo.key,
      ));
      const expected = [];
      for (const a of accounts) {
        const positions = await prisma().position.findMany({ where: { accountId: a.id, ...(status ? { status } : {}) }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] });
        expected.push({
          id: toGlobalId('ExchangeAccount', a.id),
          positions: {
            totalCount: positions.length,
            pageInfo: { hasNextPage: positions.length > 3 },
            edges: positions.slice(0, 3).map((p) => ({
              node: { id: toGlobalId('Position', p.id), status: p.status, account: { id: toGlobalId('ExchangeAccount', a.id), label: a.label } },
            })),
          },
        });
      }
      expect(data.exchangeAccounts).toEqual(expected);
    }
    // Page two of one account.
    const main = accounts[0]!;
    const all = await prisma().position.findMany({ where: { accountId: main.id }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] });
    const first = await ok(gw.execute(`{ exchangeAccounts { positions(first: 2) { pageInfo { endCursor } } } }`, {}, demo.key));
    const cursor = first.exchangeAccounts[0].positions.pageInfo.endCursor;
    const node = await ok(gw.execute(
      `query($id: ID!, $after: String) { node(id: $id) { ... on ExchangeAccount { positions(first: 2, after: $after) { edges { node { id } } } } } }`,
      { id: toGlobalId('ExchangeAccount', main.id), after: cursor },
      demo.key,
    ));
    expect(node.node.positions.edges.map((e: any) => e.node.id)).toEqual(all.slice(2, 4).map((p) => toGlobalId('Position', p.id)));
  });

  test('Position.orders lists its orders oldest first with paging; Order.position and Order.account resolve', async () => {
    const position = await prisma().position.findFirstOrThrow({ where: { account: { userId: demo.id }, status: 'OPEN', stopLoss: { not: null }, takeProfit: { not: null } }, orderBy: { id: 'asc' } });
    const orders = await prisma().order.findMany({ where: { positionId: position.id }, orderBy: { id: 'asc' } });
    expect(orders.length).toBeGreaterThanOrEqual(3);
    const data = await ok(gw.execute(
      `query($id: ID!) { position(id: $id) { orders(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${ORDER_FIELDS} } } } } }`,
      { id: toGlobalId('Position', position.id) },
      demo.key,
    ));
    expect(data.position.orders.totalCount).toBe(orders.length);
    expect(data.position.orders.edges.map((e: any) => e.node)).toEqual(orders.slice(0, 2).map((o) => orderWithPosition(o, position)));
    const next = await ok(gw.execute(
      `query($id: ID!, $after: String) { position(id: $id) { orders(first: 2, after: $after) { edges { node { id type } } } } }`,
      { id: toGlobalId('Position', position.id), after: data.position.orders.pageInfo.endCursor },
      demo.key,
    ));
    expect(next.position.orders.edges.map((e: any) => e.node.id)).toEqual(orders.slice(2, 4).map((o) => toGlobalId('Order', o.id)));
  });

  test("node(id) returns the viewer's ExchangeAccount, Position, Order and LedgerEntry", async () => {
    const account = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    const position = await prisma().position.findFirstOrThrow({ where: { accountId: account.id }, orderBy: { id: 'asc' } });
    const anOrder = await prisma().order.findFirstOrThrow({ where: { positionId: position.id }, orderBy: { id: 'asc' } });
    const entry = await prisma().ledgerEntry.findFirstOrThrow({ where: { accountId: account.id }, orderBy: { id: 'asc' } });
    const data = await ok(gw.execute(
      `query($a: ID!, $p: ID!, $o: ID!, $l: ID!) {
        a: node(id: $a) { __typename ... on ExchangeAccount { id exchange label createdAt } }
        p: node(id: $p) { __typename ... on Position { ${POSITION_FIELDS} } }
        o: node(id: $o) { __typename ... on Order { ${ORDER_FIELDS} } }
        l: node(id: $l) { __typename ... on LedgerEntry { id asset amount kind reference createdAt account { id } } }
      }`,
      {
        a: toGlobalId('ExchangeAccount', account.id),
        p: toGlobalId('Position', position.id),
        o: toGlobalId('Order', anOrder.id),
        l: toGlobalId('LedgerEntry', entry.id),
      },
      demo.key,
    ));
    expect(data).toEqual({
      a: { __typename: 'ExchangeAccount', id: toGlobalId('ExchangeAccount', account.id), exchange: account.exchange, label: account.label, createdAt: account.createdAt.toISOString() },
      p: { __typename: 'Position', ...positionJson(position) },
      o: { __typename: 'Order', ...orderWithPosition(anOrder, position) },
      l: { __typename: 'LedgerEntry', ...ledgerEntryJson(entry) },
    });
  });

  test('mutations later in one operation see the writes of earlier ones', async () => {
    const { key, accountId } = await funded();
    const data = await ok(gw.execute(
      `mutation($a: CreateOrderInput!, $b: CreateOrderInput!) {
        a: createOrder(input: $a) { position { id quantity entryPrice } }
        b: createOrder(input: $b) { position { id quantity entryPrice } }
      }`,
      { a: market(accountId, 'BUY', '1', '100'), b: market(accountId, 'BUY', '1', '200') },
      key,
    ));
    expect(data.b.position).toEqual({ id: data.a.position.id, quantity: '2', entryPrice: '150' });
    const closing = await ok(gw.execute(
      `mutation($p: ID!) {
        a: setPositionProtection(input: { positionId: $p, stopLoss: "90" }) { position { stopLoss status orders { edges { node { type status } } } } }
        b: closePosition(input: { positionId: $p, exitPrice: "160" }) { position { stopLoss status realizedPnl orders { edges { node { type status } } } } }
      }`,
      { p: data.a.position.id },
      key,
    ));
    expect(closing.b.position).toEqual({
      stopLoss: '90',
      status: 'CLOSED',
      realizedPnl: '20',
      orders: { edges: [{ node: { type: 'MARKET', status: 'FILLED' } }, { node: { type: 'MARKET', status: 'FILLED' } }, { node: { type: 'STOP_LOSS', status: 'CANCELED' } }] },
    });
  });
});
