/** Writes the demo data set through the seed's transaction, resolving its symbolic references to ids. */
import type { Prisma } from '../generated/prisma/client';
import type { CircuitSpec } from './circuits';
import type { AccountSpec, LedgerSpec, OrderSpec } from './exchange';
import type { ItemSpec } from './items';
import { need } from './rng';
import type { PositionSpec, SessionSpec } from './trading';
import type { UserSpec, Username } from './users';

export interface SeedSummary {
  users: number;
  items: number;
  circuits: number;
  sessions: number;
  trades: number;
  accounts: number;
  positions: number;
  orders: number;
  ledgerEntries: number;
  skipped: boolean;
}

/** The whole data set as plain values, with symbolic references that insertAll resolves to ids. */
export interface DemoData {
  users: UserSpec[];
  items: ItemSpec[];
  circuits: CircuitSpec[];
  sessions: SessionSpec[];
  accounts: AccountSpec[];
  positions: PositionSpec[];
  orders: OrderSpec[];
  ledger: LedgerSpec[];
}

const positionMapKey = (accountId: number, symbol: string, openedAt: Date): string => `${accountId}|${symbol}|${openedAt.toISOString()}`;

/** Inserts `data` in the order that fixes the database ids; only `tx` is used (PGlite has a single connection). */
export async function insertAll(tx: Prisma.TransactionClient, data: DemoData, log: (msg: string) => void): Promise<SeedSummary> {
  // Users: keep any that already exist (e.g. created by `npm run apikey -- demo`).
  const usersInserted = await tx.user.createMany({ data: data.users, skipDuplicates: true });
  const userRows = await tx.user.findMany({ where: { username: { in: data.users.map((u) => u.username) } }, select: { id: true, username: true } });
  const userId = new Map(userRows.map((u) => [u.username, u.id]));
  const uid = (u: Username) => need(userId, u, 'user');

  // Items and what hangs off them.
  const itemRows = await tx.item.createManyAndReturn({
    data: data.items.map((i) => ({
      dfid: i.dfid,
      ownerId: uid(i.owner),
      aliases: i.aliases,
      fingerprint: i.fingerprint,
      confidenceScore: i.confidenceScore,
      legacyMode: i.legacyMode,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    })),
    select: { id: true, dfid: true },
  });
  const itemId = new Map(itemRows.map((r) => [r.dfid, r.id]));
  const iid = (dfid: string) => need(itemId, dfid, 'item');
  await tx.itemIdentifier.createMany({ data: data.items.flatMap((i) => i.identifiers.map((x) => ({ itemId: iid(i.dfid), key: x.key, value: x.value }))) });
  await tx.itemSource.createMany({ data: data.items.flatMap((i) => i.sources.map((s) => ({ itemId: iid(i.dfid), userId: uid(i.owner), ...s }))) });
  const itemEvents = await tx.itemEvent.createMany({ data: data.items.flatMap((i) => i.events.map((e) => ({ itemId: iid(i.dfid), ...e }))) });
  log(`seed: ${itemRows.length} items, ${itemEvents.count} item events`);

  // Circuits (names are unique within the seed, so they key the returned ids).
  const circuitRows = await tx.circuit.createManyAndReturn({
    data: data.circuits.map((c) => ({ name: c.name, description: c.description, ownerId: uid(c.owner), createdAt: c.createdAt })),
    select: { id: true, name: true },
  });
  const circuitId = new Map(circuitRows.map((r) => [r.name, r.id]));
  const cid = (name: string) => need(circuitId, name, 'circuit');
  await tx.circuitMember.createMany({ data: data.circuits.flatMap((c) => c.members.map((m) => ({ circuitId: cid(c.name), userId: uid(m.user), role: m.role, joinedAt: m.joinedAt }))) });
  const circuitItems = await tx.circuitItem.createMany({
    data: data.circuits.flatMap((c) => c.items.map((x) => ({ circuitId: cid(c.name), itemId: iid(x.dfid), pushedById: uid(x.pushedBy), pushedAt: x.pushedAt }))),
  });
  log(`seed: ${circuitRows.length} circuits, ${circuitItems.count} pushed items`);

  // Exchange accounts, positions, orders.
  const accountRows = await tx.exchangeAccount.createManyAndReturn({
    data: data.accounts.map((a) => ({ userId: uid(a.user), exchange: a.exchange, label: a.label, createdAt: a.createdAt })),
    select: { id: true, userId: true, exchange: true, label: true },
  });
  const accountId = new Map<string, number>();
  for (const a of data.accounts) {
    const row = accountRows.find((r) => r.userId === uid(a.user) && r.exchange === a.exchange && r.label === a.label);
    if (!row) throw new Error(`seed: account ${a.key} not returned`);
    accountId.set(a.key, row.id);
  }
  const aid = (key: string) => need(accountId, key, 'account');

  const positionRows = await tx.position.createManyAndReturn({
    // A spec's fields are the row's columns, but for its symbolic references.
    data: data.positions.map(({ key: _key, accountKey, ...columns }) => ({ accountId: aid(accountKey), ...columns })),
    select: { id: true, accountId: true, symbol: true, openedAt: true },
  });
  const rowByNaturalKey = new Map(positionRows.map((r) => [positionMapKey(r.accountId, r.symbol, r.openedAt), r.id]));
  if (rowByNaturalKey.size !== data.positions.length) throw new Error('seed: positions are not unique by (account, symbol, openedAt)');
  const positionId = new Map<string, number>();
  for (const p of data.positions) positionId.set(p.key, need(rowByNaturalKey, positionMapKey(aid(p.accountKey), p.symbol, p.openedAt), 'position'));
  const pid = (key: string) => need(positionId, key, 'position');

  const orderRows = await tx.order.createManyAndReturn({
    data: data.orders.map(({ accountKey, positionKey, ...columns }) => ({
      accountId: aid(accountKey),
      positionId: positionKey ? pid(positionKey) : null,
      ...columns,
    })),
    select: { id: true, accountId: true, clientOrderId: true },
  });
  const orderId = new Map(orderRows.map((r) => [`${r.accountId}|${r.clientOrderId ?? ''}`, r.id]));
  log(`seed: ${accountRows.length} exchange accounts, ${positionRows.length} positions, ${orderRows.length} orders`);

  // Trading sessions, their trades and events.
  const sessionRows = await tx.tradingSession.createManyAndReturn({
    data: data.sessions.map((s) => ({
      userId: uid(s.user),
      sessionKey: s.sessionKey,
      status: s.status,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      endReason: s.endReason,
      initialBalance: s.initialBalance,
      currentBalance: s.currentBalance,
      finalBalance: s.finalBalance,
      lastHeartbeatAt: s.lastHeartbeatAt,
      symbols: s.symbols,
      recovered: s.recovered,
      totalTrades: s.totalTrades,
      totalPnl: s.totalPnl,
    })),
    select: { id: true, userId: true, sessionKey: true },
  });
  const sessionId = new Map(sessionRows.map((r) => [`${r.userId}|${r.sessionKey}`, r.id]));
  const sid = (s: SessionSpec) => need(sessionId, `${uid(s.user)}|${s.sessionKey}`, 'session');
  const trades = await tx.trade.createMany({
    data: data.sessions.flatMap((s) =>
      s.trades.map((t) => ({
        sessionId: sid(s),
        userId: uid(s.user),
        tradeId: t.tradeId,
        executedAt: t.executedAt,
        symbol: t.symbol,
        direction: t.direction,
        intensity: t.intensity,
        action: t.action,
        volume: t.volume,
        entryPrice: t.entryPrice,
        exitPrice: t.exitPrice,
        pnl: t.pnl,
        pnlPips: t.pnlPips,
        commission: t.commission,
        hmmState: t.hmmState,
        isPaper: t.isPaper,
        comment: t.comment,
        positionId: t.positionKey ? pid(t.positionKey) : null,
      })),
    ),
  });
  await tx.sessionEvent.createMany({ data: data.sessions.flatMap((s) => s.events.map((e) => ({ sessionId: sid(s), ...e }))) });
  log(`seed: ${sessionRows.length} trading sessions, ${trades.count} trades`);

  // The ledger last.
  const ledger = await tx.ledgerEntry.createMany({
    data: data.ledger.map((l) => {
      const acc = aid(l.accountKey);
      return {
        accountId: acc,
        asset: l.asset,
        amount: l.amount,
        kind: l.kind,
        orderId: l.orderClientId ? need(orderId, `${acc}|${l.orderClientId}`, 'order') : null,
        positionId: l.positionKey ? pid(l.positionKey) : null,
        reference: l.reference,
        createdAt: l.createdAt,
      };
    }),
  });
  log(`seed: ${ledger.count} ledger entries`);

  return {
    users: usersInserted.count,
    items: itemRows.length,
    circuits: circuitRows.length,
    sessions: sessionRows.length,
    trades: trades.count,
    accounts: accountRows.length,
    positions: positionRows.length,
    orders: orderRows.length,
    ledgerEntries: ledger.count,
    skipped: false,
  };
}
