// What the soak expects of each user's balances: every acknowledged mutation's effect, computed
// from first principles with the product's own decimal arithmetic (README, "The paper exchange's
// accounting"), and the check that a balances read reflects every mutation acknowledged before it
// began (and nothing that had not been sent before it ended).
import { Prisma } from '../../src/generated/prisma/client';

export type Dec = Prisma.Decimal;
export const dec = (value: string | number | Dec): Dec => new Prisma.Decimal(value);
/** As the product rounds: 18 decimals. */
export const money = (value: Dec): Dec => value.toDecimalPlaces(18);

/** What a mutation does to a user's balance summary (quote asset USDT). */
export interface Effect {
  total: Dec;
  locked: Dec;
  realizedPnl: Dec;
  openPositions: number;
}

export const zero = (): Effect => ({ total: dec(0), locked: dec(0), realizedPnl: dec(0), openPositions: 0 });
export const plus = (a: Effect, b: Effect): Effect => ({
  total: a.total.plus(b.total),
  locked: a.locked.plus(b.locked),
  realizedPnl: a.realizedPnl.plus(b.realizedPnl),
  openPositions: a.openPositions + b.openPositions,
});
const same = (a: Effect, b: Effect) =>
  a.total.equals(b.total) && a.locked.equals(b.locked) && a.realizedPnl.equals(b.realizedPnl) && a.openPositions === b.openPositions;
export const show = (e: Effect) => ({ total: e.total.toFixed(), locked: e.locked.toFixed(), realizedPnl: e.realizedPnl.toFixed(), openPositions: e.openPositions });

/** Ledger bookings by kind, to compare with the database at the end. */
export interface Bookings {
  DEPOSIT: Dec;
  FILL: Dec;
  COMMISSION: Dec;
  REALIZED_PNL: Dec;
}
export const noBookings = (): Bookings => ({ DEPOSIT: dec(0), FILL: dec(0), COMMISSION: dec(0), REALIZED_PNL: dec(0) });

export interface Mutation {
  kind: 'deposit' | 'marketBuy' | 'marketSell' | 'limitBuy' | 'cancel' | 'trade';
  worker: number;
  startedAt: number;
  /** When the acknowledgement arrived; null while in flight or when it failed. */
  ackedAt: number | null;
  effect: Effect;
}

/** A long position of one worker (each worker trades its own symbol, so it owns the position). */
export interface PositionModel {
  globalId: string;
  quantity: Dec;
  entryPrice: Dec;
}

/** A market buy: opens the worker's position or grows it (weighted entry price). */
export function marketBuy(position: PositionModel | null, quantity: Dec, price: Dec, feeRate: Dec) {
  const notional = quantity.times(price);
  const fee = money(notional.times(feeRate));
  const entryPrice = position
    ? money(position.quantity.times(position.entryPrice).plus(notional).dividedBy(position.quantity.plus(quantity)))
    : price;
  return {
    effect: { total: notional.plus(fee).negated(), locked: dec(0), realizedPnl: dec(0), openPositions: position ? 0 : 1 },
    bookings: { ...noBookings(), FILL: notional.negated(), COMMISSION: fee.negated() },
    quantity: position ? position.quantity.plus(quantity) : quantity,
    entryPrice,
    ledgerRows: 2,
  };
}

/** A market sell against the worker's long position: reduces it (closes it when it covers it). */
export function marketSell(position: PositionModel, quantity: Dec, price: Dec, feeRate: Dec) {
  const pnl = money(price.minus(position.entryPrice).times(quantity));
  const fee = money(quantity.times(price).times(feeRate));
  const back = money(quantity.times(position.entryPrice));
  const closes = quantity.equals(position.quantity);
  return {
    effect: { total: back.plus(pnl).minus(fee), locked: dec(0), realizedPnl: pnl, openPositions: closes ? -1 : 0 },
    bookings: { ...noBookings(), FILL: back, REALIZED_PNL: pnl, COMMISSION: fee.negated() },
    quantity: position.quantity.minus(quantity),
    closes,
    ledgerRows: 3,
  };
}

/** An acknowledged order: its database id, its type, how many ledger rows it booked, whether it was canceled since. */
export interface ExpectedOrder {
  id: number;
  type: 'MARKET' | 'LIMIT';
  ledgerRows: number;
  canceled: boolean;
}

/** What the database should hold for one user at the end: what every acknowledged operation wrote. */
export interface ExpectedRecords {
  bookings: Bookings;
  /** Acknowledged deposit references (the initial one included). */
  deposits: Set<string>;
  /** Acknowledged orders by clientOrderId. */
  orders: Map<string, ExpectedOrder>;
  /** Acknowledged trades: tradeId → pnl. */
  trades: Map<string, Dec>;
  /** When each acknowledged trade's answer arrived: a sessions read must count those before it began. */
  tradeAcks: number[];
  /** Each worker's symbol → its open position, null once closed. */
  positions: Map<string, PositionModel | null>;
}

/** A user's records after the initial deposit, before the workload. */
export const recordsAfterDeposit = (reference: string, amount: Dec): ExpectedRecords => ({
  bookings: { ...noBookings(), DEPOSIT: amount },
  deposits: new Set([reference]),
  orders: new Map(),
  trades: new Map(),
  tradeAcks: [],
  positions: new Map(),
});

export function addBookings(records: ExpectedRecords, bookings: Bookings): void {
  for (const kind of Object.keys(bookings) as Array<keyof Bookings>) records.bookings[kind] = records.bookings[kind].plus(bookings[kind]);
}

/**
 * The user's balance-changing mutations, per worker in the order each worker sent them (a worker waits for each
 * answer before sending the next, so its mutations commit in that order).
 */
export class BalanceModel {
  readonly byWorker: Mutation[][];
  /**
   * Per worker, the sum of the effects of its first i mutations (index i): a read's check costs
   * what is in flight, not the run's history, so the driver's own cost stays flat over a long run
   * and the throughput it measures is the gateway's.
   */
  private readonly sums: Effect[][];
  /** Set when a mutation failed: its effect is unknown, later reads cannot be checked exactly. */
  tainted = false;

  constructor(
    readonly initial: Effect,
    workers: number,
  ) {
    this.byWorker = Array.from({ length: workers }, () => []);
    this.sums = Array.from({ length: workers }, () => [zero()]);
  }

  add(mutation: Mutation): Mutation {
    const sums = this.sums[mutation.worker]!;
    this.byWorker[mutation.worker]!.push(mutation);
    sums.push(plus(sums[sums.length - 1]!, mutation.effect));
    return mutation;
  }

  /** Everything acknowledged so far. */
  final(): Effect {
    return this.byWorker.flat().reduce((sum, m) => (m.ackedAt !== null ? plus(sum, m.effect) : sum), this.initial);
  }

  /**
   * Whether `observed`, read in [startedAt, endedAt], is a state the user's balances went
   * through: all mutations acknowledged before the read began, plus, per worker, a prefix of the
   * ones still in flight then and sent before it ended. `stale` when it misses one acknowledged
   * before the read began (it matches an older state), `wrong` when it matches no state at all.
   */
  check(observed: Effect, startedAt: number, endedAt: number): { verdict: 'ok' | 'stale' | 'wrong' | 'unchecked'; expected?: Effect } {
    if (this.tainted) return { verdict: 'unchecked' };
    let base = this.initial;
    const optional: Mutation[][] = [];
    this.byWorker.forEach((mutations, worker) => {
      // A worker's mutations are acknowledged in the order it sent them: those acknowledged before
      // the read began are a prefix, found from the end (only the last few are still in flight).
      let acked = mutations.length;
      while (acked > 0 && (mutations[acked - 1]!.ackedAt === null || mutations[acked - 1]!.ackedAt! >= startedAt)) acked -= 1;
      base = plus(base, this.sums[worker]![acked]!);
      const pending: Mutation[] = [];
      for (let i = acked; i < mutations.length && mutations[i]!.startedAt < endedAt; i++) pending.push(mutations[i]!);
      optional.push(pending);
    });
    let combinations = 1;
    for (const pending of optional) combinations *= pending.length + 1;
    if (combinations > 100_000) return { verdict: 'unchecked' };
    // Every combination of per-worker prefixes of the pending mutations.
    const lengths = optional.map(() => 0);
    for (;;) {
      let candidate = base;
      optional.forEach((pending, worker) => {
        for (let i = 0; i < lengths[worker]!; i++) candidate = plus(candidate, pending[i]!.effect);
      });
      if (same(candidate, observed)) return { verdict: 'ok' };
      let worker = 0;
      while (worker < lengths.length && lengths[worker] === optional[worker]!.length) lengths[worker++] = 0;
      if (worker === lengths.length) break;
      lengths[worker]! += 1;
    }
    // An older state: what the user had before some of the acknowledged mutations?
    const all = this.byWorker.flat().filter((m) => m.ackedAt !== null && m.ackedAt < startedAt);
    let older = this.initial;
    const states = [older];
    for (const m of all.sort((a, b) => a.ackedAt! - b.ackedAt!)) states.push((older = plus(older, m.effect)));
    return { verdict: states.some((state) => same(state, observed)) ? 'stale' : 'wrong', expected: base };
  }
}
