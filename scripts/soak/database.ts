// The soak's database: made ready before the run (migrated, seeded), and afterwards compared row
// for row with what the gateways acknowledged.
import pg from 'pg';
import { openDatabase } from '../../src/db/database';
import { applyMigrations, pgSession } from '../../src/db/migrate';
import { seedDemoData } from '../../src/demo/seed';
import type { LedgerEntry, PrismaClient } from '../../src/generated/prisma/client';
import { reconcileRunningBalances, type Reconciliation } from '../../src/modules/exchange/reconcile';
import { dec, type Bookings, type ExpectedRecords } from './model';
import type { SoakSettings } from './settings';
import type { Trader } from './traders';

/** The soak's database, migrated and seeded; the default one (`recreateDatabase`) dropped and made afresh first. */
export async function prepareDatabase(settings: SoakSettings): Promise<void> {
  const target = new URL(settings.databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`SOAK_DATABASE_URL: a database name of letters, digits and _ expected, got '${name}'`);
  const adminUrl = new URL(settings.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), application_name: 'soak' });
  await admin.connect();
  try {
    if (settings.recreateDatabase) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: settings.databaseUrl, application_name: 'soak' });
  await client.connect();
  try {
    await applyMigrations(pgSession(client));
  } finally {
    await client.end();
  }
  const db = await openDatabase({ url: settings.databaseUrl, poolMax: 2 });
  try {
    await seedDemoData(db.prisma);
  } finally {
    await db.close();
  }
}

/** What the database's sessions are doing (for a server that does not come up). */
export async function databaseSessions(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'soak' });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT pid, application_name, state, wait_event_type, wait_event, left(query, 100) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.map((row) => JSON.stringify(row)).join('\n') || '(none)';
  } catch (error) {
    return `(could not ask: ${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface LedgerCheck {
  /** Empty when all is well. */
  problems: string[];
  rows: number;
  /** `npm run reconcile` at the end: every running balance against the ledger and the open orders. */
  runningBalances: Reconciliation;
}

/** The database against what was acknowledged: ledger rows, orders, open positions, trades and session totals. */
export async function checkLedger(databaseUrl: string, traders: Trader[]): Promise<LedgerCheck> {
  const problems: string[] = [];
  let rows = 0;
  const db = await openDatabase({ url: databaseUrl, poolMax: 2 });
  try {
    for (const trader of traders) {
      const problem = (text: string) => problems.push(`user ${trader.index}: ${text}`);
      const entries = await db.prisma.ledgerEntry.findMany({ where: { accountId: trader.accountId } });
      rows += entries.length;
      checkBookings(entries, trader.expected, problem);
      await checkOrders(db.prisma, trader, entries, problem);
      await checkOpenPositions(db.prisma, trader, problem);
      await checkTrades(db.prisma, trader, problem);
    }
    const runningBalances = await reconcileRunningBalances(db.prisma);
    return { problems, rows, runningBalances };
  } finally {
    await db.close();
  }
}

type Problem = (text: string) => void;

/** Sums per kind, and one deposit row per acknowledged reference, nothing else. */
function checkBookings(entries: LedgerEntry[], expected: ExpectedRecords, problem: Problem): void {
  for (const kind of Object.keys(expected.bookings) as Array<keyof Bookings>) {
    const sum = entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total.plus(entry.amount), dec(0));
    if (!sum.equals(expected.bookings[kind])) problem(`${kind} sums to ${sum.toFixed()} in the ledger, ${expected.bookings[kind].toFixed()} acknowledged`);
  }
  if (entries.some((entry) => !(entry.kind in expected.bookings))) problem('ledger entries of an unexpected kind');
  const references = entries.filter((entry) => entry.kind === 'DEPOSIT').map((entry) => entry.reference ?? '(none)');
  if (references.length !== expected.deposits.size || references.some((reference) => !expected.deposits.has(reference))) {
    problem(`${references.length} deposit rows for ${expected.deposits.size} acknowledged deposits`);
  }
}

/** Each acknowledged order stored once, in the status it should have, with as many ledger rows as its kind books; no rows for anything else. */
async function checkOrders(prisma: PrismaClient, trader: Trader, entries: LedgerEntry[], problem: Problem): Promise<void> {
  const expectedOrders = trader.expected.orders;
  const rowsByOrder = new Map<number, number>();
  for (const entry of entries) if (entry.orderId !== null) rowsByOrder.set(entry.orderId, (rowsByOrder.get(entry.orderId) ?? 0) + 1);
  const orders = await prisma.order.findMany({ where: { accountId: trader.accountId } });
  if (orders.length !== expectedOrders.size) problem(`${orders.length} orders stored, ${expectedOrders.size} acknowledged`);
  for (const [clientOrderId, expected] of expectedOrders) {
    const stored = orders.filter((order) => order.clientOrderId === clientOrderId);
    if (stored.length !== 1 || stored[0]!.id !== expected.id) {
      problem(`order ${clientOrderId} stored ${stored.length} times`);
      continue;
    }
    const status = stored[0]!.status;
    const wanted = expected.type === 'MARKET' ? 'FILLED' : expected.canceled ? 'CANCELED' : 'NEW';
    if (status !== wanted) problem(`order ${clientOrderId} is ${status}, expected ${wanted}`);
    const ledgerRows = rowsByOrder.get(expected.id) ?? 0;
    if (ledgerRows !== expected.ledgerRows) problem(`order ${clientOrderId} has ${ledgerRows} ledger rows, expected ${expected.ledgerRows}`);
  }
  const knownOrderIds = new Set([...expectedOrders.values()].map((order) => order.id));
  if ([...rowsByOrder.keys()].some((id) => !knownOrderIds.has(id))) problem('ledger rows for orders never acknowledged');
  if (entries.some((entry) => entry.orderId === null && entry.kind !== 'DEPOSIT')) problem('fills without an order');
}

/** The open positions as the model has them. */
async function checkOpenPositions(prisma: PrismaClient, trader: Trader, problem: Problem): Promise<void> {
  const open = await prisma.position.findMany({ where: { accountId: trader.accountId, status: 'OPEN' } });
  for (const [symbol, position] of trader.expected.positions) {
    const stored = open.filter((row) => row.symbol === symbol);
    if (!position ? stored.length !== 0 : stored.length !== 1 || !stored[0]!.quantity.equals(position.quantity) || !stored[0]!.entryPrice.equals(position.entryPrice)) {
      problem(`open ${symbol} position differs: ${JSON.stringify(stored.map((row) => [row.quantity, row.entryPrice]))} vs ${position ? [position.quantity.toFixed(), position.entryPrice.toFixed()] : 'none'}`);
    }
  }
  const expectedOpen = [...trader.expected.positions.values()].filter(Boolean).length;
  if (open.length !== expectedOpen) problem(`${open.length} open positions, expected ${expectedOpen}`);
}

/** Every acknowledged trade stored once, and the session's totals their count and PnL sum. */
async function checkTrades(prisma: PrismaClient, trader: Trader, problem: Problem): Promise<void> {
  const expectedTrades = trader.expected.trades;
  const trades = await prisma.trade.findMany({ where: { sessionId: trader.sessionId } });
  const tradeIds = new Set(trades.map((trade) => trade.tradeId));
  if (trades.length !== expectedTrades.size || tradeIds.size !== trades.length || [...expectedTrades.keys()].some((id) => !tradeIds.has(id))) {
    problem(`${trades.length} trades stored, ${expectedTrades.size} acknowledged`);
  }
  const session = await prisma.tradingSession.findUniqueOrThrow({ where: { id: trader.sessionId } });
  const pnl = [...expectedTrades.values()].reduce((sum, value) => sum.plus(value), dec(0));
  if (session.totalTrades !== expectedTrades.size || !session.totalPnl.equals(pnl)) {
    problem(`session totals ${session.totalTrades} / ${session.totalPnl.toFixed()}, expected ${expectedTrades.size} / ${pnl.toFixed()}`);
  }
}
