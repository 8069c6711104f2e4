// The soak's workload: closed-loop workers, each sending one operation at a time to either gateway
// at random and recording what the answer should be (the model) and what it was (the SoakRun).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs, type GatewayProcess } from './gateways';
import { balanceEffect, call, DOCUMENTS, idOf, type Answer } from './graphql';
import { addBookings, dec, marketBuy, marketSell, show, zero, type Dec, type Effect, type Mutation } from './model';
import { Latencies } from './report';
import { SYMBOLS, type SoakSettings } from './settings';
import type { Trader } from './traders';

type Operation = 'balances' | 'items' | 'positions' | 'sessions' | 'deposit' | 'marketBuy' | 'marketSell' | 'limitBuy' | 'cancel' | 'trade';
/** How often each operation is picked, in parts of the total. */
const MIX: Array<[Operation, number]> = [
  ['balances', 24],
  ['items', 8],
  ['positions', 8],
  ['sessions', 8],
  ['deposit', 10],
  ['marketBuy', 12],
  ['marketSell', 8],
  ['limitBuy', 7],
  ['cancel', 5],
  ['trade', 10],
];
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

function pickOperation(): Operation {
  let roll = Math.random() * MIX_TOTAL;
  for (const [operation, weight] of MIX) if ((roll -= weight) < 0) return operation;
  return 'balances';
}

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
/** An amount with cents, whole part in [min, max]. */
const randomCents = (min: number, max: number) => dec(`${randomInt(min, max)}.${String(randomInt(0, 99)).padStart(2, '0')}`);

export interface Failure {
  /** Milliseconds into the workload. */
  at: number;
  op: string;
  instance: number;
  status: number | 'network';
  codes?: string[];
  message?: string;
}

/** What one run observes, shared by all its workers; made when the workload starts. */
export interface SoakRun {
  readonly settings: SoakSettings;
  readonly gateways: readonly GatewayProcess[];
  /** performance.now() at the start of the workload: the report's times count from here. */
  readonly startedAt: number;
  readonly deadline: number;
  readonly latencies: Latencies;
  readonly failures: Failure[];
  /** Balance reads that match an older state of the user's balances ('stale') or none ('wrong'). */
  readonly staleReads: unknown[];
  /** Positions the gateway answered other than the model computed them. */
  readonly modelMismatches: unknown[];
  readonly reads: { balancesChecked: number; balancesFromCache: number; balancesUnchecked: number; sessionsBehind: number };
}

export function startSoakRun(settings: SoakSettings, gateways: readonly GatewayProcess[]): SoakRun {
  const startedAt = performance.now();
  return {
    settings,
    gateways,
    startedAt,
    deadline: startedAt + settings.durationMs,
    latencies: new Latencies(startedAt, () => gateways.reduce((sum, gw) => sum + (cpuMs(gw.pid) ?? 0), 0)),
    failures: [],
    staleReads: [],
    modelMismatches: [],
    reads: { balancesChecked: 0, balancesFromCache: 0, balancesUnchecked: 0, sessionsBehind: 0 },
  };
}

// ─── workers ────────────────────────────────────────────────────────────────────────────────

/** One worker of a trader: it alone trades its symbol, so the position and the limit orders on it are its own. */
interface Worker {
  trader: Trader;
  index: number;
  symbol: string;
  openLimits: Array<{ globalId: string; clientOrderId: string; locked: Dec }>;
}

/** Every worker of every trader, until the run's deadline. */
export async function runWorkers(run: SoakRun, traders: Trader[]): Promise<void> {
  await Promise.all(
    traders.flatMap((trader) =>
      Array.from({ length: run.settings.workersPerUser }, (_, index) => runWorker(run, { trader, index, symbol: SYMBOLS[index]!, openLimits: [] })),
    ),
  );
}

async function runWorker(run: SoakRun, worker: Worker): Promise<void> {
  for (let seq = 0; performance.now() < run.deadline; seq++) {
    const instance = Math.random() < 0.5 ? 0 : 1;
    let operation = pickOperation();
    // Nothing to sell or cancel yet: the operation that makes something.
    if (operation === 'marketSell' && !positionOf(worker)) operation = 'marketBuy';
    if (operation === 'cancel' && worker.openLimits.length === 0) operation = 'limitBuy';
    await SEND[operation](new Attempt(run, worker, operation, instance, `${worker.trader.index}-${worker.index}-${seq}`));
    if (run.settings.thinkMs) await sleep(run.settings.thinkMs);
  }
}

const positionOf = (worker: Worker) => worker.trader.expected.positions.get(worker.symbol) ?? null;

/** One operation of a worker: where it goes, when it began, and how its answer is recorded. */
class Attempt {
  readonly startedAt = performance.now();

  constructor(
    readonly run: SoakRun,
    readonly worker: Worker,
    readonly operation: Operation,
    readonly instance: number,
    /** Unique in the run: names the operation's references, order ids and trade ids. */
    readonly tag: string,
  ) {}

  get trader(): Trader {
    return this.worker.trader;
  }

  send(query: string, variables?: Record<string, unknown>): Promise<Answer> {
    return call(this.run.gateways[this.instance]!.url, this.trader.key, query, variables);
  }

  /** Enters a balance-changing mutation in the model as it is sent: reads that overlap it may see it. */
  expect(effect: Effect): Mutation {
    return this.trader.balances.add({ kind: this.operation as Mutation['kind'], worker: this.worker.index, startedAt: this.startedAt, ackedAt: null, effect });
  }

  /** Records the answer's latency, then the failure or the acknowledgement: when it ended, or null when it failed. */
  finish(answer: Answer, mutation?: Mutation): number | null {
    const endedAt = performance.now();
    this.run.latencies.record(this.operation, endedAt - this.startedAt);
    if (!answer.ok) {
      const codes = answer.errors?.map((e) => String(e.extensions?.code));
      this.run.failures.push({ at: Math.round(this.startedAt - this.run.startedAt), op: this.operation, instance: this.instance, status: answer.status, codes, message: answer.message });
      // A failed mutation may or may not have happened: this user's reads cannot be checked exactly any more.
      if (mutation) this.trader.balances.tainted = true;
      return null;
    }
    if (mutation) mutation.ackedAt = endedAt;
    return endedAt;
  }

  /** The gateway's position differs from the model's: recorded, and the user's reads are no longer checked. */
  mismatch(details: Record<string, unknown>): void {
    this.run.modelMismatches.push({ op: this.operation, ...details });
    this.trader.balances.tainted = true;
  }
}

// ─── the operations ─────────────────────────────────────────────────────────────────────────

const SEND: Record<Operation, (attempt: Attempt) => Promise<void>> = {
  balances: readBalances,
  items: (attempt) => readUnchecked(attempt, DOCUMENTS.items),
  positions: (attempt) => readUnchecked(attempt, DOCUMENTS.positions),
  sessions: readSessions,
  deposit,
  marketBuy: buyAtMarket,
  marketSell: sellAtMarket,
  limitBuy: placeLimitBuy,
  cancel: cancelLimitBuy,
  trade: logTrade,
};

/** A balances read, checked against the model: it must reflect every mutation acknowledged before it began. */
async function readBalances(attempt: Attempt): Promise<void> {
  const { run, trader } = attempt;
  const answer = await attempt.send(DOCUMENTS.balances);
  const endedAt = attempt.finish(answer);
  if (endedAt === null) return;
  const observed = balanceEffect(answer);
  const { verdict, expected } = trader.balances.check(observed, attempt.startedAt, endedAt);
  if (answer.data.balances.fromCache) run.reads.balancesFromCache++;
  if (verdict === 'unchecked') run.reads.balancesUnchecked++;
  else run.reads.balancesChecked++;
  if (verdict === 'stale' || verdict === 'wrong') {
    run.staleReads.push({
      at: Math.round(attempt.startedAt - run.startedAt),
      user: trader.index,
      instance: attempt.instance,
      verdict,
      fromCache: answer.data.balances.fromCache,
      observed: show(observed),
      expectedAtLeast: expected && show(expected),
    });
  }
}

/** A read whose answer only has to come without errors. */
async function readUnchecked(attempt: Attempt, query: string): Promise<void> {
  attempt.finish(await attempt.send(query));
}

/** A sessions read: the session must count every trade acknowledged before the read began. */
async function readSessions(attempt: Attempt): Promise<void> {
  const tradesBefore = attempt.trader.expected.tradeAcks.filter((at) => at < attempt.startedAt).length;
  const answer = await attempt.send(DOCUMENTS.sessions);
  if (attempt.finish(answer) === null) return;
  const session = answer.data.tradingSessions.edges[0]?.node;
  if (!session || session.totalTrades < tradesBefore) attempt.run.reads.sessionsBehind++;
}

async function deposit(attempt: Attempt): Promise<void> {
  const { trader } = attempt;
  const amount = randomCents(1, 500);
  const ref = `d-${attempt.tag}`;
  const mutation = attempt.expect({ ...zero(), total: amount });
  const answer = await attempt.send(DOCUMENTS.deposit, { account: trader.accountGid, amount: amount.toFixed(), ref });
  if (attempt.finish(answer, mutation) === null) return;
  trader.expected.deposits.add(ref);
  trader.expected.bookings.DEPOSIT = trader.expected.bookings.DEPOSIT.plus(amount);
}

/** Opens the worker's position or grows it. */
async function buyAtMarket(attempt: Attempt): Promise<void> {
  const { trader, worker } = attempt;
  const position = positionOf(worker);
  const quantity = dec(randomInt(1, 5)).times('0.001');
  const price = dec(randomInt(180, 220)).dividedBy(2);
  const fill = marketBuy(position, quantity, price, dec(attempt.run.settings.feeRate));
  const clientOrderId = `o-${attempt.tag}`;
  const mutation = attempt.expect(fill.effect);
  const answer = await attempt.send(DOCUMENTS.order, {
    input: { accountId: trader.accountGid, symbol: worker.symbol, side: 'BUY', type: 'MARKET', quantity: quantity.toFixed(), price: price.toFixed(), clientOrderId },
  });
  if (attempt.finish(answer, mutation) === null) return;
  const order = answer.data.createOrder.order;
  const stored = { globalId: order.position.id as string, quantity: dec(order.position.quantity), entryPrice: dec(order.position.entryPrice) };
  if (!stored.quantity.equals(fill.quantity) || !stored.entryPrice.equals(fill.entryPrice) || (position && position.globalId !== stored.globalId)) {
    attempt.mismatch({ clientOrderId, expected: { quantity: fill.quantity.toFixed(), entryPrice: fill.entryPrice.toFixed() }, got: order.position });
  }
  trader.expected.positions.set(worker.symbol, stored);
  trader.expected.orders.set(clientOrderId, { id: idOf(order.id), type: 'MARKET', ledgerRows: fill.ledgerRows, canceled: false });
  addBookings(trader.expected, fill.bookings);
}

/** Sells part of the worker's position, or all of it (closing it) three times in ten. */
async function sellAtMarket(attempt: Attempt): Promise<void> {
  const { trader, worker } = attempt;
  const position = positionOf(worker)!;
  const lots = position.quantity.dividedBy('0.001').toNumber();
  const quantity = Math.random() < 0.3 ? position.quantity : dec(randomInt(1, lots)).times('0.001');
  const price = dec(randomInt(170, 230)).dividedBy(2);
  const fill = marketSell(position, quantity, price, dec(attempt.run.settings.feeRate));
  const clientOrderId = `o-${attempt.tag}`;
  const mutation = attempt.expect(fill.effect);
  const answer = await attempt.send(DOCUMENTS.order, {
    input: { accountId: trader.accountGid, symbol: worker.symbol, side: 'SELL', type: 'MARKET', quantity: quantity.toFixed(), price: price.toFixed(), positionId: position.globalId, clientOrderId },
  });
  if (attempt.finish(answer, mutation) === null) return;
  const order = answer.data.createOrder.order;
  const closed = order.position.status === 'CLOSED';
  if (closed !== fill.closes || (!closed && !dec(order.position.quantity).equals(fill.quantity))) {
    attempt.mismatch({ clientOrderId, expected: { quantity: fill.quantity.toFixed(), closes: fill.closes }, got: order.position });
  }
  trader.expected.positions.set(worker.symbol, fill.closes ? null : { ...position, quantity: fill.quantity });
  trader.expected.orders.set(clientOrderId, { id: idOf(order.id), type: 'MARKET', ledgerRows: fill.ledgerRows, canceled: false });
  addBookings(trader.expected, fill.bookings);
}

/** A LIMIT buy below the market: it stays open and locks its notional. */
async function placeLimitBuy(attempt: Attempt): Promise<void> {
  const { trader, worker } = attempt;
  const quantity = dec(randomInt(1, 5)).times('0.001');
  const price = dec(randomInt(100, 180)).dividedBy(2);
  const locked = quantity.times(price);
  const clientOrderId = `l-${attempt.tag}`;
  const mutation = attempt.expect({ ...zero(), locked });
  const answer = await attempt.send(DOCUMENTS.order, {
    input: { accountId: trader.accountGid, symbol: worker.symbol, side: 'BUY', type: 'LIMIT', quantity: quantity.toFixed(), price: price.toFixed(), clientOrderId },
  });
  if (attempt.finish(answer, mutation) === null) return;
  worker.openLimits.push({ globalId: answer.data.createOrder.order.id, clientOrderId, locked });
  trader.expected.orders.set(clientOrderId, { id: idOf(answer.data.createOrder.order.id), type: 'LIMIT', ledgerRows: 0, canceled: false });
}

/** Cancels one of the worker's open LIMIT orders, at random: its notional is free again. */
async function cancelLimitBuy(attempt: Attempt): Promise<void> {
  const { openLimits } = attempt.worker;
  const [limit] = openLimits.splice(randomInt(0, openLimits.length - 1), 1);
  const mutation = attempt.expect({ ...zero(), locked: limit!.locked.negated() });
  const answer = await attempt.send(DOCUMENTS.cancel, { id: limit!.globalId });
  if (attempt.finish(answer, mutation) === null) return;
  attempt.trader.expected.orders.get(limit!.clientOrderId)!.canceled = true;
}

/** A trade logged in the user's session: no balance effect, but the session's totals must follow. */
async function logTrade(attempt: Attempt): Promise<void> {
  const { trader } = attempt;
  const tradeId = `t-${attempt.tag}`;
  const pnl = randomCents(-300, 300);
  const answer = await attempt.send(DOCUMENTS.trade, {
    input: { sessionId: trader.sessionGid, tradeId, symbol: 'BTC-USDT', direction: 'BUY', action: 'CLOSE', volume: '1', pnl: pnl.toFixed() },
  });
  const endedAt = attempt.finish(answer);
  if (endedAt === null) return;
  trader.expected.trades.set(tradeId, pnl);
  trader.expected.tradeAcks.push(endedAt);
}
