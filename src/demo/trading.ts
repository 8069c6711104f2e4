/**
 * Bot trading sessions and their trades, in forex and crypto. Some crypto sessions trade on a
 * paper exchange account: those trade pairs become that account's positions (exchange.ts books
 * their orders and ledger).
 */
import type {
  PositionSide,
  PositionStatus,
  Prisma,
  SessionEndReason,
  SessionStatus,
  TradeAction,
} from '../generated/prisma/client';
import { DEFAULT_EXCHANGE_FEE_RATE } from '../config';
import { at, at0, DAY, dec, Decimal, HOUR, isoDay, MINUTE, Rng, ZERO } from './rng';
import type { Username } from './users';

/** The paper exchange's fee when unconfigured: its fills in the demo ledger, and the bots' crypto commissions. */
export const COMMISSION_RATE = new Decimal(DEFAULT_EXCHANGE_FEE_RATE);

interface TradeSpec {
  tradeId: string;
  executedAt: Date;
  symbol: string;
  direction: 'BUY' | 'SELL';
  intensity: number;
  action: TradeAction;
  volume: Decimal;
  entryPrice: Decimal;
  exitPrice: Decimal | null;
  pnl: Decimal | null;
  pnlPips: Decimal | null;
  commission: Decimal;
  hmmState: number;
  isPaper: boolean;
  comment: string | null;
  positionKey: string | null;
}
export interface SessionSpec {
  user: Username;
  sessionKey: string;
  status: SessionStatus;
  startedAt: Date;
  endedAt: Date | null;
  endReason: SessionEndReason | null;
  initialBalance: Decimal;
  currentBalance: Decimal;
  finalBalance: Decimal | null;
  lastHeartbeatAt: Date;
  symbols: string[];
  recovered: boolean;
  totalTrades: number;
  totalPnl: Decimal;
  trades: TradeSpec[];
  events: { type: string; occurredAt: Date; data: Prisma.InputJsonObject }[];
}

/** A position of a paper exchange account, opened by a bot session or (exchange.ts) by hand. */
export interface PositionSpec {
  key: string;
  accountKey: string;
  symbol: string;
  side: PositionSide;
  quantity: Decimal;
  entryPrice: Decimal;
  status: PositionStatus;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  openedAt: Date;
  closedAt: Date | null;
  exitPrice: Decimal | null;
  realizedPnl: Decimal | null;
}

interface SymbolInfo {
  price: number;
  dp: number;
  pip: string;
  crypto: boolean;
  /** forex: account-currency value of one pip for one lot. */
  pipValue?: number;
  /** crypto: quantity range and decimals. */
  qty?: [number, number, number];
}
const SYMBOLS: Record<string, SymbolInfo> = {
  EURUSD: { price: 1.0852, dp: 5, pip: '0.0001', crypto: false, pipValue: 10 },
  GBPUSD: { price: 1.2714, dp: 5, pip: '0.0001', crypto: false, pipValue: 10 },
  EURGBP: { price: 0.8536, dp: 5, pip: '0.0001', crypto: false, pipValue: 12.7 },
  USDJPY: { price: 148.62, dp: 3, pip: '0.01', crypto: false, pipValue: 6.7 },
  XAUUSD: { price: 2651.4, dp: 2, pip: '0.1', crypto: false, pipValue: 10 },
  'BTC-USDT': { price: 94250, dp: 2, pip: '1', crypto: true, qty: [0.01, 0.25, 3] },
  'ETH-USDT': { price: 3310, dp: 2, pip: '0.1', crypto: true, qty: [0.2, 4, 2] },
  'SOL-USDT': { price: 191.5, dp: 2, pip: '0.01', crypto: true, qty: [2, 60, 1] },
};
export const symbolInfo = (s: string): SymbolInfo => {
  const info = SYMBOLS[s];
  if (!info) throw new Error(`seed: unknown symbol ${s}`);
  return info;
};

const TRADE_COMMENTS = ['news filter: NFP', 'manual override', 'trailing stop hit', 'partial fill', 'spread widened', 'regime change'];

interface SessionDef {
  user: Username;
  day: number;
  tag: string;
  symbols: string[];
  status: SessionStatus;
  endReason?: SessionEndReason;
  paper: boolean | 'mixed';
  recovered?: boolean;
  /** Turns some of this session's trade pairs into positions of `account`. */
  link?: { account: string; every: number; offset: number };
}

const SESSION_DEFS: SessionDef[] = [
  { user: 'demo', day: 0, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: false },
  { user: 'demo', day: 0, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:main', every: 3, offset: 0 } },
  { user: 'demo', day: 1, tag: 'eurusd', symbols: ['EURUSD', 'GBPUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: false },
  { user: 'demo', day: 2, tag: 'xauusd', symbols: ['XAUUSD'], status: 'STOPPED', endReason: 'EMERGENCY', paper: true },
  { user: 'demo', day: 3, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: false, recovered: true },
  { user: 'demo', day: 4, tag: 'usdjpy', symbols: ['USDJPY'], status: 'STOPPED', endReason: 'MANUAL', paper: true },
  { user: 'demo', day: 5, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:scalping', every: 2, offset: 0 } },
  { user: 'demo', day: 7, tag: 'gbpusd', symbols: ['GBPUSD', 'EURGBP'], status: 'STOPPED', endReason: 'RECOVERED', paper: false },
  { user: 'demo', day: 8, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'UNKNOWN', paper: false },
  { user: 'demo', day: 9, tag: 'xauusd', symbols: ['XAUUSD', 'EURUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: true },
  { user: 'demo', day: 10, tag: 'crypto', symbols: ['SOL-USDT', 'ETH-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:main', every: 4, offset: 1 } },
  { user: 'demo', day: 11, tag: 'usdjpy', symbols: ['USDJPY', 'EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: 'mixed' },
  { user: 'demo', day: 13, tag: 'eurusd', symbols: ['EURUSD', 'GBPUSD'], status: 'RUNNING', paper: false },
  { user: 'demo', day: 13, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'], status: 'RUNNING', paper: true, link: { account: 'demo:paper:main', every: 5, offset: 2 } },
  { user: 'alice', day: 1, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: false },
  { user: 'alice', day: 13, tag: 'gbpusd', symbols: ['GBPUSD'], status: 'RUNNING', paper: true },
];

export interface TradingState {
  rng: Rng;
  mids: Map<string, number>;
  tradeSeq: Map<Username, number>;
  positionSeq: Map<string, number>;
  positions: PositionSpec[];
}

function nextTradeId(state: TradingState, user: Username): string {
  const n = (state.tradeSeq.get(user) ?? 100) + 1;
  state.tradeSeq.set(user, n);
  return `T-${String(n).padStart(6, '0')}`;
}

export function nextPositionKey(state: TradingState, accountKey: string): string {
  const n = (state.positionSeq.get(accountKey) ?? 0) + 1;
  state.positionSeq.set(accountKey, n);
  return `${accountKey}#${n}`;
}

/** Moves the symbol's mid price a little and returns it. */
function walk(state: TradingState, symbol: string): number {
  const info = symbolInfo(symbol);
  const mid = (state.mids.get(symbol) ?? info.price) * (1 + (state.rng.float() - 0.5) * 0.004);
  state.mids.set(symbol, mid);
  return mid;
}

function buildSession(state: TradingState, def: SessionDef): SessionSpec {
  const { rng } = state;
  const day = at(def.day * DAY);
  const startedAt = new Date(day.getTime() + (def.tag === 'crypto' ? 1 : 6) * HOUR + rng.int(0, 50) * MINUTE);
  const running = def.status === 'RUNNING';
  let count = rng.int(20, 28);
  if (running ? count % 2 === 0 : count % 2 === 1) count++; // STOPPED: all pairs closed; RUNNING: last OPEN pending
  const initialBalance = new Decimal(def.tag === 'crypto' ? '5000' : '10000');
  const trades: TradeSpec[] = [];
  let t = startedAt.getTime() + rng.int(2, 10) * MINUTE;

  for (let pair = 0; trades.length < count; pair++) {
    const symbol = rng.pick(def.symbols);
    const info = symbolInfo(symbol);
    const direction = rng.chance(0.5) ? 'BUY' : 'SELL';
    const sign = direction === 'BUY' ? 1 : -1;
    const pip = new Decimal(info.pip);
    const entryPrice = dec(walk(state, symbol) * (1 + (rng.float() - 0.5) * 0.001), info.dp);
    let volume: Decimal;
    let exitPrice: Decimal;
    if (info.qty) {
      const [lo, hi, qdp] = info.qty;
      volume = dec(lo + rng.float() * (hi - lo), qdp);
      exitPrice = dec(entryPrice.toNumber() * (1 + sign * (rng.float() * 0.03 - 0.012)), info.dp);
    } else {
      volume = dec(0.05 + rng.float() * 1.45, 2);
      let pips = rng.int(-30, 40);
      if (pips === 0) pips = 5;
      exitPrice = entryPrice.plus(pip.times(pips * sign));
    }
    if (exitPrice.eq(entryPrice)) exitPrice = exitPrice.plus(pip.times(sign));
    const diff = exitPrice.minus(entryPrice).times(sign);
    const pnlPips = diff.div(pip);
    const pnl = info.crypto ? diff.times(volume) : pnlPips.times(info.pipValue ?? 10).times(volume).toDecimalPlaces(2);
    const openCommission = info.crypto ? volume.times(entryPrice).times(COMMISSION_RATE) : volume.times('3.5').toDecimalPlaces(2);
    const closeCommission = info.crypto ? ZERO : openCommission;
    const isPaper = def.paper === 'mixed' ? pair % 3 === 0 : def.paper;
    const hmmState = rng.int(0, 3);
    const closes = trades.length + 1 < count;
    // The running session's last, still open trade always becomes an open position.
    const linked = def.link !== undefined && (pair % def.link.every === def.link.offset || !closes);
    const positionKey = linked && def.link ? nextPositionKey(state, def.link.account) : null;

    const openAt = new Date(t);
    trades.push({
      tradeId: nextTradeId(state, def.user),
      executedAt: openAt,
      symbol,
      direction,
      intensity: Number(rng.float().toFixed(3)),
      action: 'OPEN',
      volume,
      entryPrice,
      exitPrice: null,
      pnl: null,
      pnlPips: null,
      commission: openCommission,
      hmmState,
      isPaper,
      comment: rng.chance(0.12) ? rng.pick(TRADE_COMMENTS) : null,
      positionKey,
    });
    t += rng.int(5, 45) * MINUTE;
    let closeAt: Date | null = null;
    if (closes) {
      closeAt = new Date(t);
      trades.push({
        tradeId: nextTradeId(state, def.user),
        executedAt: closeAt,
        symbol,
        direction,
        intensity: Number(rng.float().toFixed(3)),
        action: 'CLOSE',
        volume,
        entryPrice,
        exitPrice,
        pnl,
        pnlPips,
        commission: closeCommission,
        hmmState: rng.chance(0.7) ? hmmState : rng.int(0, 3),
        isPaper,
        comment: rng.chance(0.1) ? rng.pick(TRADE_COMMENTS) : null,
        positionKey,
      });
      t += rng.int(3, 20) * MINUTE;
    }
    if (positionKey && def.link) {
      const side: PositionSide = direction === 'BUY' ? 'LONG' : 'SHORT';
      // Protection a few percent away from entry (the exit of a closed one always lies inside it).
      const protect = !closes || pair % 2 === 0;
      state.positions.push({
        key: positionKey,
        accountKey: def.link.account,
        symbol,
        side,
        quantity: volume,
        entryPrice,
        status: closes ? 'CLOSED' : 'OPEN',
        stopLoss: protect ? dec(entryPrice.toNumber() * (1 - sign * 0.02), info.dp) : null,
        takeProfit: protect ? dec(entryPrice.toNumber() * (1 + sign * 0.03), info.dp) : null,
        openedAt: openAt,
        closedAt: closeAt,
        exitPrice: closes ? exitPrice : null,
        realizedPnl: closes ? pnl : null,
      });
    }
  }

  const last = at0(trades, trades.length - 1).executedAt.getTime();
  const totalPnl = trades.reduce((sum, tr) => (tr.pnl ? sum.plus(tr.pnl) : sum), ZERO);
  const totalCommission = trades.reduce((sum, tr) => sum.plus(tr.commission), ZERO);
  const currentBalance = initialBalance.plus(totalPnl).minus(totalCommission).toDecimalPlaces(2);
  const endedAt = running
    ? null
    : def.endReason === 'DAY_CHANGE'
      ? at((def.day + 1) * DAY)
      : new Date(last + rng.int(5, 40) * MINUTE);
  const lastHeartbeatAt = running
    ? new Date(last + 2 * MINUTE)
    : def.endReason === 'UNKNOWN'
      ? new Date(last + MINUTE)
      : new Date((endedAt ?? day).getTime() - 30_000);

  const events: SessionSpec['events'] = [
    {
      type: 'SESSION_STARTED',
      occurredAt: startedAt,
      data: { initialBalance: initialBalance.toFixed(2), symbols: def.symbols, mode: def.paper === true ? 'paper' : def.paper ? 'mixed' : 'live', botVersion: '2.3.1' },
    },
  ];
  const mid = (a: number, b: number) => new Date(Math.round((a + b) / 2 / MINUTE) * MINUTE);
  if (def.recovered) {
    events.push({
      type: 'SESSION_RECOVERED',
      occurredAt: mid(startedAt.getTime(), last),
      data: { reason: 'process restarted', downtimeSeconds: rng.int(20, 300), openTrades: 1 },
    });
  }
  if (def.endReason === 'EMERGENCY') {
    events.push({
      type: 'RISK_LIMIT',
      occurredAt: new Date(last + MINUTE),
      data: { limit: 'MAX_DAILY_DRAWDOWN', thresholdPct: 3, drawdownPct: Number((3 + rng.float()).toFixed(2)), action: 'STOP' },
    });
  } else if (rng.chance(0.35)) {
    events.push({
      type: 'RISK_LIMIT',
      occurredAt: mid(startedAt.getTime(), last),
      data: { limit: 'MAX_OPEN_EXPOSURE', thresholdPct: 50, exposurePct: rng.int(50, 65), action: 'REDUCE' },
    });
  }
  if (def.endReason === 'UNKNOWN' || running || rng.chance(0.25)) {
    events.push({
      type: 'HEARTBEAT_MISSED',
      occurredAt: running ? new Date(last + 90 * 1000) : new Date(last + 3 * MINUTE),
      data: { missed: rng.int(1, 4), intervalSeconds: 30 },
    });
  }
  if (!running && endedAt) {
    events.push({
      type: 'SESSION_ENDED',
      occurredAt: endedAt,
      data: { reason: def.endReason ?? 'UNKNOWN', finalBalance: currentBalance.toFixed(2), totalTrades: trades.length, totalPnl: totalPnl.toFixed(2) },
    });
  }
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());

  return {
    user: def.user,
    sessionKey: `bot-${def.tag}-${isoDay(day)}`,
    status: def.status,
    startedAt,
    endedAt,
    endReason: running ? null : (def.endReason ?? 'UNKNOWN'),
    initialBalance,
    currentBalance,
    finalBalance: running ? null : currentBalance,
    lastHeartbeatAt,
    symbols: def.symbols,
    recovered: def.recovered ?? false,
    totalTrades: trades.length,
    totalPnl,
    trades,
    events,
  };
}

export function newTradingState(): TradingState {
  return { rng: new Rng(0x5eed_0003), mids: new Map(), tradeSeq: new Map(), positionSeq: new Map(), positions: [] };
}

/** Every session, in order: they share `state`'s price walk, id sequences and positions. */
export function buildSessions(state: TradingState): SessionSpec[] {
  return SESSION_DEFS.map((def) => buildSession(state, def));
}
