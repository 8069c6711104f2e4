import { Prisma, type Trade } from '../src/generated/prisma/client';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { ok } from './helpers/responses';

// Trades: idempotent logging on (session, tradeId), the session totals that follow the trades,
// and the newest-first trades list with its filters and cursors. The seeded demo trades (350)
// are only read; writes go to fresh users' sessions.

const { gw, demo, alice } = demoFixture();

/** A key for a user no other test touches. */
const freshUser = () => gw.freshUser('trades_user');

const TRADE_FIELDS = `id tradeId executedAt symbol direction intensity action volume entryPrice exitPrice pnl pnlPips
  commission hmmState isPaper comment`;
const LOG_TRADE = `mutation($input: LogTradeInput!) { logTrade(input: $input) { ${TRADE_FIELDS} } }`;
const START = `mutation($input: StartTradingSessionInput!) { startTradingSession(input: $input) { id } }`;
const END = `mutation($id: ID!) { endTradingSession(input: { sessionId: $id, reason: NORMAL }) { status } }`;

const decimalOrNull = (value: Prisma.Decimal | null) => value?.toFixed() ?? null;
/** What the API must answer for a trade row. */
const tradeJson = (t: Trade) => ({
  id: toGlobalId('Trade', t.id),
  tradeId: t.tradeId,
  executedAt: t.executedAt.toISOString(),
  symbol: t.symbol,
  direction: t.direction,
  intensity: t.intensity,
  action: t.action,
  volume: t.volume.toFixed(),
  entryPrice: decimalOrNull(t.entryPrice),
  exitPrice: decimalOrNull(t.exitPrice),
  pnl: decimalOrNull(t.pnl),
  pnlPips: decimalOrNull(t.pnlPips),
  commission: decimalOrNull(t.commission),
  hmmState: t.hmmState,
  isPaper: t.isPaper,
  comment: t.comment,
});
const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
const sum = (values: Array<Prisma.Decimal | null>) => values.reduce<Prisma.Decimal>((total, v) => (v ? total.plus(v) : total), new Prisma.Decimal(0));

async function startSession(key: string, sessionKey = 'bot') {
  return (await ok(gw.execute(START, { input: { sessionKey, initialBalance: '10000', symbols: ['EURUSD'] } }, key))).startTradingSession.id as string;
}

const trade = (sessionId: string, tradeId: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  tradeId,
  symbol: 'EURUSD',
  direction: 'BUY',
  action: 'CLOSE',
  volume: '1',
  ...extra,
});

/** The session's counters next to what its trades add up to. */
async function totalsOf(sessionGlobalId: string) {
  const id = dbId(sessionGlobalId);
  const session = await gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id } });
  const trades = await gw.db.prisma.trade.findMany({ where: { sessionId: id } });
  return {
    stored: { totalTrades: session.totalTrades, totalPnl: session.totalPnl.toFixed() },
    fromTrades: { totalTrades: trades.length, totalPnl: sum(trades.map((t) => t.pnl)).toFixed() },
  };
}

describe('logTrade', () => {
  test('stores every field and returns the stored trade', async () => {
    const { key, id: userId } = await freshUser();
    const sessionId = await startSession(key);
    const input = {
      sessionId,
      tradeId: 'T-1',
      symbol: 'XAUUSD',
      direction: 'SELL',
      intensity: 0.731,
      action: 'OPEN',
      volume: '0.25',
      entryPrice: '2034.55',
      exitPrice: '2030.05',
      pnl: '-11.25',
      pnlPips: '-45',
      commission: '0.875',
      hmmState: 2,
      isPaper: true,
      comment: 'breakout',
      executedAt: '2026-02-03T04:05:06.789Z',
    };
    const data = await ok(gw.execute(LOG_TRADE, { input }, key));
    const rows = await gw.db.prisma.trade.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    expect(data).toEqual({ logTrade: tradeJson(rows[0]!) });
    const { sessionId: _, ...expected } = input;
    // The forex symbol is stored as BASE-QUOTE.
    expect(data.logTrade).toEqual({ id: toGlobalId('Trade', rows[0]!.id), ...expected, symbol: 'XAU-USD', pnlPips: '-45' });
    expect(rows[0]).toMatchObject({ sessionId: dbId(sessionId), positionId: null });
  });

  test('defaults: not paper, executed now, optional fields null', async () => {
    const { key } = await freshUser();
    const sessionId = await startSession(key);
    const before = Date.now();
    const data = await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-min') }, key));
    expect(data.logTrade).toMatchObject({ isPaper: false, intensity: null, entryPrice: null, pnl: null, commission: null, hmmState: null, comment: null });
    const executedAt = new Date(data.logTrade.executedAt).getTime();
    expect(executedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(executedAt).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('invalid input is BAD_USER_INPUT and stores nothing', async () => {
    const { key, id: userId } = await freshUser();
    const sessionId = await startSession(key);
    for (const extra of [{ volume: '0' }, { volume: '-1' }, { tradeId: ' ' }, { symbol: '' }, { positionId: sessionId }]) {
      const response = await gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-bad', extra) }, key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await gw.db.prisma.trade.count({ where: { userId } })).toBe(0);
  });

  test('a retry returns the stored trade and writes nothing; the same tradeId with other values is CONFLICT', async () => {
    const { key, id: userId } = await freshUser();
    const sessionId = await startSession(key);
    const first = await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-retry', { pnl: '25.5', comment: 'first' }) }, key));
    const retry = await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-retry', { pnl: '25.50', comment: 'first' }) }, key));
    expect(retry).toEqual(first);
    expect(retry.logTrade).toMatchObject({ pnl: '25.5', comment: 'first', direction: 'BUY' });
    const other = await gw.http(LOG_TRADE, { input: trade(sessionId, 'T-retry', { pnl: '999', comment: 'second', direction: 'SELL' }) }, key);
    expect(other.data).toBeNull();
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.tradeId' });
    expect(other.errors![0]!.message).toContain('T-retry');
    expect(await gw.db.prisma.trade.count({ where: { userId } })).toBe(1);
    expect(await totalsOf(sessionId)).toEqual({
      stored: { totalTrades: 1, totalPnl: '25.5' },
      fromTrades: { totalTrades: 1, totalPnl: '25.5' },
    });
  });

  test('20 identical requests at once store one trade and move the totals once', async () => {
    const { key } = await freshUser();
    const sessionId = await startSession(key);
    await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-before', { pnl: '1.25' }) }, key));
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => gw.http(LOG_TRADE, { input: trade(sessionId, 'T-burst', { pnl: '-7.5', volume: '2' }) }, key)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const rows = await gw.db.prisma.trade.findMany({ where: { sessionId: dbId(sessionId), tradeId: 'T-burst' } });
    expect(rows).toHaveLength(1);
    for (const response of responses) expect(response.data).toEqual({ logTrade: tradeJson(rows[0]!) });
    expect(await totalsOf(sessionId)).toEqual({
      stored: { totalTrades: 2, totalPnl: '-6.25' },
      fromTrades: { totalTrades: 2, totalPnl: '-6.25' },
    });
  });

  test('the same tradeId in another session is another trade', async () => {
    const { key } = await freshUser();
    const a = await startSession(key, 'a');
    const b = await startSession(key, 'b');
    const one = await ok(gw.execute(LOG_TRADE, { input: trade(a, 'T-same', { pnl: '1' }) }, key));
    const two = await ok(gw.execute(LOG_TRADE, { input: trade(b, 'T-same', { pnl: '2' }) }, key));
    expect(one.logTrade.id).not.toBe(two.logTrade.id);
    expect((await totalsOf(a)).stored).toEqual({ totalTrades: 1, totalPnl: '1' });
    expect((await totalsOf(b)).stored).toEqual({ totalTrades: 1, totalPnl: '2' });
  });

  test('session totals stay equal to its trades under concurrent distinct trades and retries', async () => {
    const { key } = await freshUser();
    const sessionId = await startSession(key);
    const inputs = Array.from({ length: 15 }, (_, n) => trade(sessionId, `T-${n % 10}`, { pnl: n % 10 % 3 === 0 ? null : `${n % 10}.125` }));
    const responses = await Promise.all(inputs.map((input) => gw.http(LOG_TRADE, { input }, key)));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const totals = await totalsOf(sessionId);
    expect(totals.fromTrades.totalTrades).toBe(10);
    expect(totals.stored).toEqual(totals.fromTrades);
    const data = await ok(gw.execute(`query($id: ID!) { tradingSession(id: $id) { totalTrades totalPnl trades(first: 100) { totalCount } } }`, { id: sessionId }, key));
    expect(data.tradingSession).toEqual({ totalTrades: 10, totalPnl: totals.fromTrades.totalPnl, trades: { totalCount: 10 } });
  });

  test('a later logTrade in the same operation sees the totals of the earlier one', async () => {
    const { key } = await freshUser();
    const sessionId = await startSession(key);
    const data = await ok(gw.execute(
      `mutation($a: LogTradeInput!, $b: LogTradeInput!) {
        a: logTrade(input: $a) { tradeId session { totalTrades totalPnl } }
        b: logTrade(input: $b) { tradeId session { totalTrades totalPnl } }
      }`,
      { a: trade(sessionId, 'T-a', { pnl: '2' }), b: trade(sessionId, 'T-b', { pnl: '3' }) },
      key,
    ));
    expect(data).toEqual({
      a: { tradeId: 'T-a', session: { totalTrades: 1, totalPnl: '2' } },
      b: { tradeId: 'T-b', session: { totalTrades: 2, totalPnl: '5' } },
    });
  });

  test("another user's session is NOT_FOUND (and so is a missing one); nothing is stored", async () => {
    const alices = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: alice.id, status: 'RUNNING' } });
    const before = await gw.db.prisma.trade.count();
    const { key } = await freshUser();
    for (const sessionId of [toGlobalId('TradingSession', alices.id), toGlobalId('TradingSession', 2_000_000_000)]) {
      const response = await gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-intruder') }, key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // Not even a retry of one of alice's stored trades reveals it.
    const alicesTrade = await gw.db.prisma.trade.findFirstOrThrow({ where: { sessionId: alices.id } });
    const retry = await gw.execute(LOG_TRADE, { input: trade(toGlobalId('TradingSession', alices.id), alicesTrade.tradeId) }, key);
    expect(retry.data).toBeNull();
    expect(retry.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await gw.db.prisma.trade.count()).toBe(before);
    expect(await gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id: alices.id } })).toEqual(alices);
  });

  test('a STOPPED session refuses new trades (CONFLICT) but answers retries with the stored trade', async () => {
    const { key } = await freshUser();
    const sessionId = await startSession(key);
    const logged = await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-kept', { pnl: '3' }) }, key));
    await ok(gw.execute(END, { id: sessionId }, key));
    const totalsBefore = await totalsOf(sessionId);

    const refused = await gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-late', { pnl: '5' }) }, key);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const retry = await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-kept', { pnl: '3' }) }, key));
    expect(retry).toEqual(logged);

    expect(await gw.db.prisma.trade.count({ where: { sessionId: dbId(sessionId) } })).toBe(1);
    expect(await totalsOf(sessionId)).toEqual(totalsBefore);
  });

  test("positionId links the viewer's position; another user's position is NOT_FOUND", async () => {
    const alicesPosition = await gw.db.prisma.position.findFirstOrThrow({ where: { account: { userId: alice.id } } });
    const demosPosition = await gw.db.prisma.position.findFirstOrThrow({ where: { account: { userId: demo.id } }, orderBy: { id: 'asc' } });
    const sessionId = await startSession(demo.key, 'trades-test-link');
    const data = await ok(gw.execute(
      `mutation($input: LogTradeInput!) { logTrade(input: $input) { tradeId session { id } position { id symbol } } }`,
      { input: trade(sessionId, 'T-linked', { positionId: toGlobalId('Position', demosPosition.id), symbol: demosPosition.symbol }) },
      demo.key,
    ));
    expect(data.logTrade).toEqual({
      tradeId: 'T-linked',
      session: { id: sessionId },
      position: { id: toGlobalId('Position', demosPosition.id), symbol: demosPosition.symbol },
    });
    expect((await gw.db.prisma.trade.findFirstOrThrow({ where: { sessionId: dbId(sessionId), tradeId: 'T-linked' } })).positionId).toBe(demosPosition.id);

    const intruding = await gw.execute(LOG_TRADE, { input: trade(sessionId, 'T-foreign', { positionId: toGlobalId('Position', alicesPosition.id) }) }, demo.key);
    expect(intruding.data).toBeNull();
    expect(intruding.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await gw.db.prisma.trade.count({ where: { sessionId: dbId(sessionId) } })).toBe(1);
    await ok(gw.execute(END, { id: sessionId }, demo.key));
  });
});

describe('the trades list', () => {
  const LIST = `query($first: Int, $after: String, $filter: TradeFilter) {
    trades(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }
    }
  }`;

  /** Every page of the list for `filter`, `first` at a time, checking each page's bookkeeping. */
  async function readAll(filter: Record<string, unknown> | undefined, first: number, key = demo.key) {
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (let page = 0; page < 100; page++) {
      const data: any = await ok(gw.execute(LIST, { first, after, filter }, key));
      const { edges, pageInfo } = data.trades;
      totalCount = data.trades.totalCount;
      expect(edges.length).toBeLessThanOrEqual(first);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      expect(pageInfo.hasPreviousPage).toBe(false);
      ids.push(...edges.map((e: any) => e.node.id));
      if (!pageInfo.hasNextPage) break;
      expect(edges).toHaveLength(first);
      after = pageInfo.endCursor;
    }
    return { ids, totalCount };
  }

  const expectedIds = async (where: Prisma.TradeWhereInput) =>
    (await gw.db.prisma.trade.findMany({ where: { userId: demo.id, ...where }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }] })).map((t) =>
      toGlobalId('Trade', t.id),
    );

  test("pages through all of demo's trades newest first, with exact fields", async () => {
    const rows = await gw.db.prisma.trade.findMany({ where: { userId: demo.id }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }] });
    expect(rows.length).toBeGreaterThanOrEqual(350);
    const { ids, totalCount } = await readAll(undefined, 100);
    expect(totalCount).toBe(rows.length);
    expect(ids).toEqual(rows.map((t) => toGlobalId('Trade', t.id)));
    const firstPage = await ok(gw.execute(`{ trades(first: 5) { edges { node { ${TRADE_FIELDS} } } } }`, {}, demo.key));
    expect(firstPage.trades.edges.map((e: any) => e.node)).toEqual(rows.slice(0, 5).map(tradeJson));
    const times = rows.map((t) => t.executedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('the default page is 20; first: 0 gives no edges but the count', async () => {
    const total = await gw.db.prisma.trade.count({ where: { userId: demo.id } });
    const data = await ok(gw.execute(`{ a: trades { edges { cursor } pageInfo { hasNextPage } } b: trades(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }`, {}, demo.key));
    expect(data.a.edges).toHaveLength(20);
    expect(data.a.pageInfo.hasNextPage).toBe(true);
    expect(data.b).toEqual({ totalCount: total, edges: [], pageInfo: { hasNextPage: true } });
  });

  test('filter.sessionId, isPaper and symbol narrow the list, alone and together, through every page', async () => {
    const session = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: demo.id, sessionKey: { startsWith: 'bot-usdjpy' }, symbols: { has: 'EURUSD' } } });
    const sessionId = toGlobalId('TradingSession', session.id);
    const cases: Array<[Record<string, unknown>, Prisma.TradeWhereInput]> = [
      [{ sessionId }, { sessionId: session.id }],
      [{ isPaper: true }, { isPaper: true }],
      [{ isPaper: false }, { isPaper: false }],
      [{ symbol: 'EURUSD' }, { symbol: 'EURUSD' }],
      [{ symbol: 'EURUSD', isPaper: true }, { symbol: 'EURUSD', isPaper: true }],
      [{ sessionId, isPaper: false, symbol: 'USDJPY' }, { sessionId: session.id, isPaper: false, symbol: 'USDJPY' }],
      // The demo's forex trades were stored compact (EURUSD): either spelling finds them.
      [{ symbol: 'EUR-USD' }, { symbol: 'EURUSD' }],
      [{ symbol: 'BTCUSDT' }, { symbol: 'BTC-USDT' }],
      [{ symbol: 'DOGE-USDT' }, { symbol: 'DOGE-USDT' }],
    ];
    for (const [filter, where] of cases) {
      const expected = await expectedIds(where);
      const { ids, totalCount } = await readAll(filter, 7);
      expect({ filter, ids, totalCount }).toEqual({ filter, ids: expected, totalCount: expected.length });
    }
    // Sanity: the cases are not all trivially equal.
    expect((await expectedIds({ isPaper: true })).length).toBeGreaterThan(0);
    expect((await expectedIds({ isPaper: false })).length).toBeGreaterThan(0);
  });

  test('filter.action, direction and positionId narrow the list, alone, together and with the others, through every page', async () => {
    const linked = await gw.db.prisma.trade.findFirstOrThrow({ where: { userId: demo.id, positionId: { not: null }, action: 'CLOSE' }, orderBy: { id: 'asc' } });
    const positionId = toGlobalId('Position', linked.positionId!);
    const cases: Array<[Record<string, unknown>, Prisma.TradeWhereInput]> = [
      [{ action: 'OPEN' }, { action: 'OPEN' }],
      [{ action: 'CLOSE' }, { action: 'CLOSE' }],
      [{ direction: 'BUY' }, { direction: 'BUY' }],
      // The bot's integer form, as a number and as text, finds the stored BUY / SELL.
      [{ direction: 1 }, { direction: 'BUY' }],
      [{ direction: -1 }, { direction: 'SELL' }],
      [{ direction: 'sell' }, { direction: 'SELL' }],
      [{ positionId }, { positionId: linked.positionId }],
      [{ positionId, action: 'CLOSE' }, { positionId: linked.positionId, action: 'CLOSE' }],
      [{ action: 'CLOSE', direction: -1, isPaper: true }, { action: 'CLOSE', direction: 'SELL', isPaper: true }],
      [{ action: 'OPEN', direction: 1, symbol: 'EURUSD' }, { action: 'OPEN', direction: 'BUY', symbol: 'EURUSD' }],
    ];
    for (const [filter, where] of cases) {
      const expected = await expectedIds(where);
      const { ids, totalCount } = await readAll(filter, 8);
      expect({ filter, ids, totalCount }).toEqual({ filter, ids: expected, totalCount: expected.length });
    }
    // Sanity: each filter keeps some trades and drops others.
    const all = await gw.db.prisma.trade.count({ where: { userId: demo.id } });
    for (const where of [{ action: 'OPEN' }, { direction: 'SELL' }, { positionId: linked.positionId }, { action: 'CLOSE', direction: 'SELL', isPaper: true }] as const) {
      const n = (await expectedIds(where)).length;
      expect({ where, n: n > 0 && n < all }).toEqual({ where, n: true });
    }
    expect((await expectedIds({ positionId: linked.positionId })).length).toBeGreaterThan(1);
  });

  test('a bad filter.symbol, direction or positionId is BAD_USER_INPUT naming it', async () => {
    for (const [filter, field] of [
      [{ symbol: 'NOPE' }, 'filter.symbol'],
      [{ symbol: 'btcusdt' }, 'filter.symbol'],
      [{ direction: 2 }, 'filter.direction'],
      [{ direction: 0 }, 'filter.direction'],
      [{ direction: '' }, 'filter.direction'],
      [{ positionId: toGlobalId('Trade', 1) }, 'filter.positionId'],
    ] as const) {
      const response = await gw.execute(LIST, { filter }, demo.key);
      expect(response.data).toBeNull();
      expect({ filter, extensions: response.errors?.[0]?.extensions }).toMatchObject({ filter, extensions: { code: 'BAD_USER_INPUT', field } });
    }
  });

  test('filter.from is inclusive and filter.to exclusive', async () => {
    const rows = await gw.db.prisma.trade.findMany({ where: { userId: demo.id }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }] });
    const from = rows[60]!.executedAt;
    const to = rows[20]!.executedAt;
    const cases: Array<[Record<string, unknown>, Prisma.TradeWhereInput]> = [
      [{ from: from.toISOString() }, { executedAt: { gte: from } }],
      [{ to: to.toISOString() }, { executedAt: { lt: to } }],
      [{ from: from.toISOString(), to: to.toISOString() }, { executedAt: { gte: from, lt: to } }],
      [{ from: from.toISOString(), to: to.toISOString(), symbol: rows[30]!.symbol }, { executedAt: { gte: from, lt: to }, symbol: rows[30]!.symbol }],
    ];
    for (const [filter, where] of cases) {
      const expected = await expectedIds(where);
      const { ids, totalCount } = await readAll(filter, 9);
      expect({ filter, ids, totalCount }).toEqual({ filter, ids: expected, totalCount: expected.length });
    }
    const window = await readAll({ from: from.toISOString(), to: to.toISOString() }, 100);
    expect(window.ids).toContain(toGlobalId('Trade', rows[60]!.id));
    expect(window.ids).not.toContain(toGlobalId('Trade', rows[20]!.id));
  });

  test("another user's session in the filter lists nothing; the viewer never sees others' trades", async () => {
    const alices = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: alice.id } });
    expect(await gw.db.prisma.trade.count({ where: { sessionId: alices.id } })).toBeGreaterThan(0);
    expect(await readAll({ sessionId: toGlobalId('TradingSession', alices.id) }, 10)).toEqual({ ids: [], totalCount: 0 });
    const { key } = await freshUser();
    expect(await readAll(undefined, 10, key)).toEqual({ ids: [], totalCount: 0 });
  });

  test('a trade logged later comes first; trades of other sessions are listed too', async () => {
    const { key } = await freshUser();
    const a = await startSession(key, 'a');
    const b = await startSession(key, 'b');
    const logged = [];
    for (const [sessionId, tradeId, executedAt] of [
      [a, 'A1', '2026-05-01T10:00:00.000Z'],
      [b, 'B1', '2026-05-01T12:00:00.000Z'],
      [a, 'A2', '2026-05-01T11:00:00.000Z'],
      [a, 'A3', '2026-05-01T11:00:00.000Z'],
    ] as const) {
      logged.push((await ok(gw.execute(LOG_TRADE, { input: trade(sessionId, tradeId, { executedAt }) }, key))).logTrade.id);
    }
    const data = await ok(gw.execute(`{ trades { edges { node { tradeId } } } }`, {}, key));
    // Same instant: the later id first.
    expect(data.trades.edges.map((e: any) => e.node.tradeId)).toEqual(['B1', 'A3', 'A2', 'A1']);
    const onlyA = await readAll({ sessionId: a }, 2, key);
    expect(onlyA).toEqual({ ids: [logged[3], logged[2], logged[0]], totalCount: 3 });
  });

  test('a malformed sessionId or cursor is BAD_USER_INPUT', async () => {
    for (const variables of [{ filter: { sessionId: toGlobalId('Position', 1) } }, { after: 'not-a-cursor' }, { first: 101 }]) {
      const response = await gw.execute(LIST, variables, demo.key);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('trade relations and node', () => {
  test('TradingSession.trades pages a session\'s trades newest first; Trade.session and Trade.position resolve', async () => {
    const session = await gw.db.prisma.tradingSession.findFirstOrThrow({
      where: { userId: demo.id, trades: { some: { positionId: { not: null } } } },
      orderBy: { id: 'asc' },
    });
    const rows = await gw.db.prisma.trade.findMany({ where: { sessionId: session.id }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }], include: { position: true } });
    const seen: any[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const data: any = await ok(gw.execute(
        `query($id: ID!, $after: String) { tradingSession(id: $id) { trades(first: 6, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id session { id } position { id symbol side quantity entryPrice openedAt } } } } } }`,
        { id: toGlobalId('TradingSession', session.id), after },
        demo.key,
      ));
      const connection = data.tradingSession.trades;
      expect(connection.totalCount).toBe(rows.length);
      seen.push(...connection.edges.map((e: any) => e.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(
      rows.map((t) => ({
        id: toGlobalId('Trade', t.id),
        session: { id: toGlobalId('TradingSession', session.id) },
        position: t.position
          ? {
              id: toGlobalId('Position', t.position.id), symbol: t.position.symbol, side: t.position.side,
              quantity: t.position.quantity.toFixed(), entryPrice: t.position.entryPrice.toFixed(), openedAt: t.position.openedAt.toISOString(),
            }
          : null,
      })),
    );
    // Both kinds, so the embedded position (LeanTableSpec.embeds) is checked with and without a row.
    expect(seen.some((t) => t.position !== null)).toBe(true);
    expect(seen.some((t) => t.position === null)).toBe(true);
  });

  test("node(id) returns the viewer's trade and null for another user's", async () => {
    const mine = await gw.db.prisma.trade.findFirstOrThrow({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    const theirs = await gw.db.prisma.trade.findFirstOrThrow({ where: { userId: alice.id } });
    const data = await ok(gw.execute(
      `query($a: ID!, $b: ID!) { a: node(id: $a) { __typename ... on Trade { ${TRADE_FIELDS} session { sessionKey } } } b: node(id: $b) { id } }`,
      { a: toGlobalId('Trade', mine.id), b: toGlobalId('Trade', theirs.id) },
      demo.key,
    ));
    const session = await gw.db.prisma.tradingSession.findUniqueOrThrow({ where: { id: mine.sessionId } });
    expect(data).toEqual({ a: { __typename: 'Trade', ...tradeJson(mine), session: { sessionKey: session.sessionKey } }, b: null });
  });
});
