import { Prisma, type SessionEvent, type TradingSession } from '../src/generated/prisma/client';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { ok } from './helpers/responses';

// Trading sessions: start / crash recovery, heartbeats and staleness, ending with totals,
// session events, and the session queries. Mutations run as fresh users; the seeded demo and
// alice sessions are only read (and alice's are the "another user's" targets).

const { gw, demo, alice } = demoFixture();

/** A key for a user no other test touches. */
const freshUser = () => gw.freshUser('sessions_user');

const SESSION_FIELDS = `id sessionKey status stale startedAt endedAt endReason initialBalance currentBalance finalBalance
  lastHeartbeatAt symbols recovered totalTrades totalPnl`;

/** What the API must answer for a session row. */
function sessionJson(row: TradingSession, stale: boolean) {
  return {
    id: toGlobalId('TradingSession', row.id),
    sessionKey: row.sessionKey,
    status: row.status,
    stale,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
    initialBalance: row.initialBalance.toFixed(),
    currentBalance: row.currentBalance?.toFixed() ?? null,
    finalBalance: row.finalBalance?.toFixed() ?? null,
    lastHeartbeatAt: row.lastHeartbeatAt?.toISOString() ?? null,
    symbols: row.symbols,
    recovered: row.recovered,
    totalTrades: row.totalTrades,
    totalPnl: row.totalPnl.toFixed(),
  };
}

const eventJson = (event: SessionEvent) => ({
  id: toGlobalId('SessionEvent', event.id),
  type: event.type,
  occurredAt: event.occurredAt.toISOString(),
  data: event.data,
});

const START = `mutation($input: StartTradingSessionInput!) { startTradingSession(input: $input) { ${SESSION_FIELDS} } }`;
const HEARTBEAT = `mutation($input: HeartbeatInput!) { heartbeat(input: $input) { ${SESSION_FIELDS} } }`;
const END = `mutation($input: EndTradingSessionInput!) { endTradingSession(input: $input) { ${SESSION_FIELDS} } }`;
const LOG_EVENT = `mutation($input: LogSessionEventInput!) { logSessionEvent(input: $input) { id type occurredAt data session { id } } }`;
const LOG_TRADE = `mutation($input: LogTradeInput!) { logTrade(input: $input) { id tradeId pnl } }`;
const SESSION = `query($id: ID!) { tradingSession(id: $id) { ${SESSION_FIELDS} } }`;

async function start(key: string, sessionKey: string, initialBalance = '1000', symbols = ['EURUSD']) {
  const data = await ok(gw.execute(START, { input: { sessionKey, initialBalance, symbols } }, key));
  return data.startTradingSession;
}

/** The database id inside one of our global IDs. */
const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
const sessionRow = (globalId: string) => gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id: dbId(globalId) } });

describe('startTradingSession', () => {
  test('creates a RUNNING session with the given balance and (normalised, deduplicated) symbols', async () => {
    const { key, id: userId } = await freshUser();
    const before = Date.now();
    const data = await ok(gw.execute(START, { input: { sessionKey: 'bot-a', initialBalance: '2500.50', symbols: ['EURUSD', 'BTC-USDT', 'EUR-USD', 'BTCUSDT'] } }, key));
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(data).toEqual({ startTradingSession: sessionJson(row, false) });
    expect(row).toMatchObject({ sessionKey: 'bot-a', status: 'RUNNING', recovered: false, totalTrades: 0, symbols: ['EUR-USD', 'BTC-USDT'] });
    expect(row.initialBalance.toFixed()).toBe('2500.5');
    expect(row.currentBalance?.toFixed()).toBe('2500.5');
    expect(row.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.startedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('invalid input is BAD_USER_INPUT and creates nothing', async () => {
    const { key, id: userId } = await freshUser();
    for (const input of [
      { sessionKey: '  ', initialBalance: '10', symbols: [] },
      { sessionKey: 'k', initialBalance: '-1', symbols: [] },
      { sessionKey: 'k', initialBalance: '10', symbols: ['not a symbol!'] },
      { sessionKey: 'x'.repeat(201), initialBalance: '10', symbols: [] },
    ]) {
      const response = await gw.execute(START, { input }, key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await gw.db.prisma.tradingSession.count({ where: { userId } })).toBe(0);
  });

  test('the same key while RUNNING recovers the session (recovered, SESSION_RECOVERED event), never a second one', async () => {
    const { key, id: userId } = await freshUser();
    const first = await start(key, 'bot-r', '1000', ['EURUSD']);
    await ok(gw.execute(HEARTBEAT, { input: { sessionId: first.id, currentBalance: '1010' } }, key));
    const heartbeatAt = (await sessionRow(first.id)).lastHeartbeatAt!;

    const again = await ok(gw.execute(START, { input: { sessionKey: 'bot-r', initialBalance: '999', symbols: ['GBPUSD'] } }, key));
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    expect(again).toEqual({ startTradingSession: sessionJson(rows[0]!, false) });
    expect(again.startTradingSession).toMatchObject({ id: first.id, recovered: true, status: 'RUNNING', initialBalance: '1000', currentBalance: '1010' });

    const events = await gw.db.prisma.sessionEvent.findMany({ where: { sessionId: rows[0]!.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'SESSION_RECOVERED',
      data: { initialBalance: '999', symbols: ['GBP-USD'], previousHeartbeatAt: heartbeatAt.toISOString() },
    });
    // ...and the event is what the session's events list shows.
    const listed = await ok(gw.execute(`query($id: ID!) { tradingSession(id: $id) { events { totalCount edges { node { id type occurredAt data } } } } }`, { id: first.id }, key));
    expect(listed.tradingSession.events).toEqual({ totalCount: 1, edges: [{ node: eventJson(events[0]!) }] });
  });

  test('10 concurrent starts with one key make exactly one session; the other 9 recover it', async () => {
    const { key, id: userId } = await freshUser();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => gw.http(START, { input: { sessionKey: 'bot-burst', initialBalance: '500', symbols: ['EURUSD'] } }, key)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    const id = toGlobalId('TradingSession', rows[0]!.id);
    expect(responses.map((r) => r.data.startTradingSession.id)).toEqual(Array(10).fill(id));
    expect(responses.filter((r) => r.data.startTradingSession.recovered === false)).toHaveLength(1);
    expect(await gw.db.prisma.sessionEvent.count({ where: { sessionId: rows[0]!.id, type: 'SESSION_RECOVERED' } })).toBe(9);
    expect(rows[0]).toMatchObject({ status: 'RUNNING', recovered: true });
  });

  test("a STOPPED session's key starts a new session", async () => {
    const { key, id: userId } = await freshUser();
    const first = await start(key, 'bot-day');
    await ok(gw.execute(END, { input: { sessionId: first.id, reason: 'DAY_CHANGE' } }, key));
    const second = await start(key, 'bot-day', '2000');
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ status: 'RUNNING', recovered: false, initialBalance: '2000', totalTrades: 0 });
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.sessionKey, r.status])).toEqual([
      ['bot-day', 'STOPPED'],
      ['bot-day', 'RUNNING'],
    ]);
    expect(await gw.db.prisma.sessionEvent.count({ where: { sessionId: { in: rows.map((r) => r.id) } } })).toBe(0);
  });

  test('a start racing the end of its session never returns (or revives) the STOPPED session', async () => {
    for (let round = 0; round < 3; round++) {
      const { key, id: userId } = await freshUser();
      const first = await start(key, 'bot-restart');
      const responses = await Promise.all([
        gw.http(END, { input: { sessionId: first.id, reason: 'RECOVERED' } }, key),
        ...Array.from({ length: 8 }, () => gw.http(START, { input: { sessionKey: 'bot-restart', initialBalance: '700', symbols: [] } }, key)),
      ]);
      for (const response of responses) expect(response.errors).toBeUndefined();
      for (const response of responses.slice(1)) expect(response.data.startTradingSession.status).toBe('RUNNING');
      const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId }, orderBy: { id: 'asc' } });
      expect(rows[0]).toMatchObject({ id: dbId(first.id), status: 'STOPPED' });
      expect(rows.slice(1).map((r) => r.status)).toEqual(rows.length > 1 ? ['RUNNING'] : []);
      const lateRecoveries = await gw.db.prisma.sessionEvent.count({ where: { sessionId: rows[0]!.id, type: 'SESSION_RECOVERED', occurredAt: { gt: rows[0]!.endedAt! } } });
      expect(lateRecoveries).toBe(0);
    }
  });

  test("another user's RUNNING session with the same key is not recovered", async () => {
    const alices = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: alice.id, status: 'RUNNING' } });
    const { key, id: userId } = await freshUser();
    const mine = await start(key, alices.sessionKey);
    expect(mine).toMatchObject({ recovered: false, sessionKey: alices.sessionKey });
    expect(dbId(mine.id)).not.toBe(alices.id);
    expect(await gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id: alices.id } })).toEqual(alices);
    expect(await gw.db.prisma.tradingSession.count({ where: { userId } })).toBe(1);
  });
});

describe('heartbeat and staleness (limit: the default 120 s)', () => {
  test('a heartbeat records lastHeartbeatAt and currentBalance', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-hb', '1000');
    const before = Date.now();
    const data = await ok(gw.execute(HEARTBEAT, { input: { sessionId: session.id, currentBalance: '1033.25' } }, key));
    const row = await sessionRow(session.id);
    expect(data).toEqual({ heartbeat: sessionJson(row, false) });
    expect(row.currentBalance?.toFixed()).toBe('1033.25');
    expect(row.lastHeartbeatAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.lastHeartbeatAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('the seeded RUNNING sessions (last heartbeat in January) are stale; the STOPPED ones are not', async () => {
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId: demo.id }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
    const data = await ok(gw.execute(`{ tradingSessions(first: 100) { edges { node { id status stale } } } }`, {}, demo.key));
    expect(data.tradingSessions.edges.map((e: any) => e.node)).toEqual(
      rows.map((r) => ({ id: toGlobalId('TradingSession', r.id), status: r.status, stale: r.status === 'RUNNING' })),
    );
    expect(rows.filter((r) => r.status === 'RUNNING')).toHaveLength(2);
  });

  test('stale flips after 120 s without a heartbeat and a fresh heartbeat clears it', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-stale');
    const id = dbId(session.id);
    const staleOf = async () => (await ok(gw.execute(SESSION, { id: session.id }, key))).tradingSession.stale;

    await gw.db.prisma.tradingSession.update({ where: { id }, data: { startedAt: new Date(Date.now() - 3600_000), lastHeartbeatAt: new Date(Date.now() - 125_000) } });
    expect(await staleOf()).toBe(true);
    await gw.db.prisma.tradingSession.update({ where: { id }, data: { lastHeartbeatAt: new Date(Date.now() - 100_000) } });
    expect(await staleOf()).toBe(false);
    // Without any heartbeat, the start time counts.
    await gw.db.prisma.tradingSession.update({ where: { id }, data: { lastHeartbeatAt: null } });
    expect(await staleOf()).toBe(true);

    const data = await ok(gw.execute(HEARTBEAT, { input: { sessionId: session.id, currentBalance: '990' } }, key));
    expect(data.heartbeat.stale).toBe(false);
    expect(await staleOf()).toBe(false);

    // A STOPPED session is never stale, however old its last heartbeat.
    await ok(gw.execute(END, { input: { sessionId: session.id, reason: 'MANUAL' } }, key));
    await gw.db.prisma.tradingSession.update({ where: { id }, data: { lastHeartbeatAt: new Date(Date.now() - 86_400_000) } });
    expect(await staleOf()).toBe(false);
  });

  test('a heartbeat on a STOPPED session is CONFLICT and changes nothing', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-stopped-hb');
    await ok(gw.execute(END, { input: { sessionId: session.id, reason: 'NORMAL', finalBalance: '1200' } }, key));
    const before = await sessionRow(session.id);
    const response = await gw.execute(HEARTBEAT, { input: { sessionId: session.id, currentBalance: '5' } }, key);
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await sessionRow(session.id)).toEqual(before);
  });
});

describe('endTradingSession', () => {
  test("stops the session with the reason and the totals of its trades (recounted, not trusted)", async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-end', '1000');
    const pnls = ['12.5', '-4.25', null, '100.125'];
    for (const [index, pnl] of pnls.entries()) {
      await ok(gw.execute(LOG_TRADE, { input: { sessionId: session.id, tradeId: `T${index}`, symbol: 'EURUSD', direction: 'BUY', action: 'CLOSE', volume: '1', pnl } }, key));
    }
    await ok(gw.execute(HEARTBEAT, { input: { sessionId: session.id, currentBalance: '1108.375' } }, key));
    // Counters that drifted from the trades are corrected by the end.
    await gw.db.prisma.tradingSession.update({ where: { id: dbId(session.id) }, data: { totalTrades: 99, totalPnl: '1' } });

    const before = Date.now();
    const data = await ok(gw.execute(END, { input: { sessionId: session.id, reason: 'EMERGENCY', finalBalance: '1100' } }, key));
    const row = await sessionRow(session.id);
    expect(data).toEqual({ endTradingSession: sessionJson(row, false) });
    const trades = await gw.db.prisma.trade.findMany({ where: { sessionId: row.id } });
    const sum = trades.reduce((total, t) => (t.pnl ? total.plus(t.pnl) : total), new Prisma.Decimal(0));
    expect(row).toMatchObject({ status: 'STOPPED', endReason: 'EMERGENCY', totalTrades: trades.length });
    expect(trades).toHaveLength(4);
    expect(row.totalPnl.toFixed()).toBe(sum.toFixed());
    expect(row.totalPnl.toFixed()).toBe('108.375');
    expect(row.finalBalance?.toFixed()).toBe('1100');
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.endedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('without finalBalance the last heartbeat balance is the final balance', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-end-default', '1000');
    await ok(gw.execute(HEARTBEAT, { input: { sessionId: session.id, currentBalance: '1234.5' } }, key));
    const data = await ok(gw.execute(END, { input: { sessionId: session.id, reason: 'NORMAL' } }, key));
    expect(data.endTradingSession).toMatchObject({ status: 'STOPPED', endReason: 'NORMAL', finalBalance: '1234.5', totalTrades: 0, totalPnl: '0' });
  });

  test('ending a STOPPED session is CONFLICT and changes nothing', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-end-twice');
    await ok(gw.execute(END, { input: { sessionId: session.id, reason: 'NORMAL', finalBalance: '1000' } }, key));
    const before = await sessionRow(session.id);
    const response = await gw.execute(END, { input: { sessionId: session.id, reason: 'MANUAL', finalBalance: '1' } }, key);
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await sessionRow(session.id)).toEqual(before);
  });

  test('trades logged while the session ends are all counted, or refused with CONFLICT', async () => {
    const { key } = await freshUser();
    // A race: several rounds, so that an interleaving that loses a trade shows up on PostgreSQL.
    for (let round = 0; round < 3; round++) {
      const session = await start(key, `bot-end-race-${round}`);
      const log = (n: number) =>
        gw.http(LOG_TRADE, { input: { sessionId: session.id, tradeId: `R${n}`, symbol: 'EURUSD', direction: 'SELL', action: 'CLOSE', volume: '1', pnl: `${n}.5` } }, key);
      const responses = await Promise.all([
        ...Array.from({ length: 12 }, (_, n) => log(n)),
        gw.http(END, { input: { sessionId: session.id, reason: 'NORMAL', finalBalance: '1000' } }, key),
        ...Array.from({ length: 12 }, (_, n) => log(12 + n)),
      ]);
      const end = responses[12]!;
      expect(end.errors).toBeUndefined();
      const row = await sessionRow(session.id);
      const trades = await gw.db.prisma.trade.findMany({ where: { sessionId: row.id } });
      const logged = responses.filter((r, index) => index !== 12 && !r.errors).map((r) => r.data.logTrade.tradeId).sort();
      const refused = responses.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code);
      expect(refused.every((code) => code === 'CONFLICT')).toBe(true);
      expect(trades.map((t) => t.tradeId).sort()).toEqual(logged);
      expect(row.totalTrades).toBe(trades.length);
      expect(row.totalPnl.toFixed()).toBe(trades.reduce((sum, t) => sum.plus(t.pnl!), new Prisma.Decimal(0)).toFixed());
      expect(end.data.endTradingSession).toMatchObject({ totalTrades: row.totalTrades, totalPnl: row.totalPnl.toFixed() });
    }
  });
});

describe('logSessionEvent', () => {
  test('stores typed events with JSON data, listed newest first', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-events');
    const payloads = [
      { type: 'RISK_LIMIT', data: { limit: 'MAX_DAILY_DRAWDOWN', thresholdPct: 3, drawdownPct: 3.4, action: 'STOP', nested: { list: [1, 'two', null, true] } }, occurredAt: '2026-03-01T10:00:00.000Z' },
      { type: 'RECONNECT', data: ['a', 1], occurredAt: '2026-03-01T11:00:00.000Z' },
      { type: 'NOTE', data: null, occurredAt: '2026-03-01T09:00:00.000Z' },
    ];
    const returned = [];
    for (const input of payloads) {
      const data = await ok(gw.execute(LOG_EVENT, { input: { sessionId: session.id, ...input } }, key));
      returned.push(data.logSessionEvent);
    }
    const rows = await gw.db.prisma.sessionEvent.findMany({ where: { sessionId: dbId(session.id) }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.type, r.data, r.occurredAt.toISOString()])).toEqual(payloads.map((p) => [p.type, p.data, p.occurredAt]));
    expect(returned).toEqual(rows.map((r) => ({ ...eventJson(r), session: { id: session.id } })));

    const listed = await ok(gw.execute(`query($id: ID!) { tradingSession(id: $id) { events(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id type data } } } } }`, { id: session.id }, key));
    const newestFirst = [...rows].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
    expect(listed.tradingSession.events.totalCount).toBe(3);
    expect(listed.tradingSession.events.pageInfo.hasNextPage).toBe(true);
    expect(listed.tradingSession.events.edges.map((e: any) => e.node)).toEqual(newestFirst.slice(0, 2).map((r) => ({ id: toGlobalId('SessionEvent', r.id), type: r.type, data: r.data })));
    const next = await ok(gw.execute(`query($id: ID!, $after: String) { tradingSession(id: $id) { events(first: 2, after: $after) { pageInfo { hasNextPage } edges { node { id } } } } }`, { id: session.id, after: listed.tradingSession.events.pageInfo.endCursor }, key));
    expect(next.tradingSession.events).toEqual({ pageInfo: { hasNextPage: false }, edges: [{ node: { id: toGlobalId('SessionEvent', newestFirst[2]!.id) } }] });
  });

  test('an event without occurredAt is stamped now; an empty type is BAD_USER_INPUT', async () => {
    const { key } = await freshUser();
    const session = await start(key, 'bot-events-2');
    const before = Date.now();
    const data = await ok(gw.execute(LOG_EVENT, { input: { sessionId: session.id, type: 'PING' } }, key));
    expect(data.logSessionEvent).toMatchObject({ type: 'PING', data: null });
    expect(new Date(data.logSessionEvent.occurredAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const bad = await gw.execute(LOG_EVENT, { input: { sessionId: session.id, type: ' ' } }, key);
    expect(bad.data).toBeNull();
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await gw.db.prisma.sessionEvent.count({ where: { sessionId: dbId(session.id) } })).toBe(1);
  });
});

describe("another user's session", () => {
  test('heartbeat, end and logSessionEvent are NOT_FOUND and change nothing', async () => {
    const alices = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: alice.id, status: 'RUNNING' } });
    const eventsBefore = await gw.db.prisma.sessionEvent.count({ where: { sessionId: alices.id } });
    const id = toGlobalId('TradingSession', alices.id);
    const { key } = await freshUser();
    for (const [query, input] of [
      [HEARTBEAT, { sessionId: id, currentBalance: '1' }],
      [END, { sessionId: id, reason: 'MANUAL' }],
      [LOG_EVENT, { sessionId: id, type: 'HACK', data: { x: 1 } }],
    ] as const) {
      const response = await gw.execute(query, { input }, key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(await gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id: alices.id } })).toEqual(alices);
    expect(await gw.db.prisma.sessionEvent.count({ where: { sessionId: alices.id } })).toBe(eventsBefore);
  });

  test('tradingSession(id) and node(id) read it (and its events) as null', async () => {
    const alices = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: alice.id } });
    const event = await gw.db.prisma.sessionEvent.findFirstOrThrow({ where: { sessionId: alices.id } });
    const data = await ok(gw.execute(
      `query($s: ID!, $e: ID!) { tradingSession(id: $s) { id } a: node(id: $s) { id } b: node(id: $e) { id } }`,
      { s: toGlobalId('TradingSession', alices.id), e: toGlobalId('SessionEvent', event.id) },
      demo.key,
    ));
    expect(data).toEqual({ tradingSession: null, a: null, b: null });
  });

  test('an ID of another type is BAD_USER_INPUT', async () => {
    const response = await gw.execute(SESSION, { id: toGlobalId('Trade', 1) }, demo.key);
    expect(response.data).toEqual({ tradingSession: null });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('session queries', () => {
  test("tradingSession(id) and node(id) return the viewer's session and event", async () => {
    const row = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: demo.id, status: 'STOPPED' }, orderBy: { id: 'asc' } });
    const event = await gw.db.prisma.sessionEvent.findFirstOrThrow({ where: { sessionId: row.id }, orderBy: { id: 'asc' } });
    const data = await ok(gw.execute(
      `query($s: ID!, $e: ID!) {
        tradingSession(id: $s) { ${SESSION_FIELDS} }
        a: node(id: $s) { __typename id ... on TradingSession { sessionKey } }
        b: node(id: $e) { __typename ... on SessionEvent { id type occurredAt data session { id sessionKey } } }
      }`,
      { s: toGlobalId('TradingSession', row.id), e: toGlobalId('SessionEvent', event.id) },
      demo.key,
    ));
    expect(data).toEqual({
      tradingSession: sessionJson(row, false),
      a: { __typename: 'TradingSession', id: toGlobalId('TradingSession', row.id), sessionKey: row.sessionKey },
      b: { __typename: 'SessionEvent', ...eventJson(event), session: { id: toGlobalId('TradingSession', row.id), sessionKey: row.sessionKey } },
    });
  });

  test('tradingSessions pages through all 14 of demo\'s sessions, most recently started first', async () => {
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId: demo.id }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
    expect(rows).toHaveLength(14);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const data: any = await ok(gw.execute(
        `query($after: String) { tradingSessions(first: 4, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`,
        { after },
        demo.key,
      ));
      const page = data.tradingSessions;
      expect(page.totalCount).toBe(14);
      seen.push(...page.edges.map((e: any) => e.node.id));
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      expect(page.pageInfo.hasPreviousPage).toBe(false);
      expect(page.pageInfo.hasNextPage).toBe(seen.length < 14);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(rows.map((r) => toGlobalId('TradingSession', r.id)));
  });

  test("the list page's nodes carry every stored value as the session itself reads it", async () => {
    const key = await gw.keyFor('sessions-page-values');
    await start(key, 'page-a', '1000.125', ['EURUSD', 'BTCUSDT']);
    const ended = await start(key, 'page-b');
    await ok(gw.execute(END, { input: { sessionId: ended.id, reason: 'NORMAL', finalBalance: '998.5' } }, key));
    const user = await gw.db.prisma.user.findUniqueOrThrow({ where: { username: 'sessions-page-values' } });
    const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId: user.id }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
    const data = await ok(gw.execute(`{ tradingSessions(first: 10) { edges { node { ${SESSION_FIELDS} } } } }`, {}, key));
    expect(data.tradingSessions.edges.map((edge: any) => edge.node)).toEqual(rows.map((row) => sessionJson(row, false)));
    expect(rows.map((row) => row.status).sort()).toEqual(['RUNNING', 'STOPPED']);
  });

  test('tradingSessions(status) narrows the list', async () => {
    for (const status of ['RUNNING', 'STOPPED'] as const) {
      const rows = await gw.db.prisma.tradingSession.findMany({ where: { userId: demo.id, status }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
      const data = await ok(gw.execute(`query($status: SessionStatus) { tradingSessions(first: 3, status: $status) { totalCount edges { node { id status } } } }`, { status }, demo.key));
      expect(data.tradingSessions).toEqual({
        totalCount: rows.length,
        edges: rows.slice(0, 3).map((r) => ({ node: { id: toGlobalId('TradingSession', r.id), status } })),
      });
    }
  });

  test('first above 100 or a foreign cursor is BAD_USER_INPUT', async () => {
    for (const args of ['first: 101', 'first: -1', 'after: "bm9wZQ"']) {
      const response = await gw.execute(`{ tradingSessions(${args}) { totalCount } }`, {}, demo.key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('a session of a fresh user lists nothing of demo\'s', async () => {
    const { key } = await freshUser();
    const data = await ok(gw.execute(`{ tradingSessions { totalCount edges { node { id } } } }`, {}, key));
    expect(data).toEqual({ tradingSessions: { totalCount: 0, edges: [] } });
  });
});
