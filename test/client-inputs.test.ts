import { parseGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { codeOf, fails, ok } from './helpers/responses';

// Inputs as the seed's clients send them, through the real server over HTTP (so JSON numbers are
// JSON numbers): Decimal amounts as numbers, compared with what the database stored.

const { gw } = demoFixture();
const prisma = () => gw.db.prisma;
const dbId = (globalId: string) => parseGlobalId(globalId)!.id;

const CREATE_ACCOUNT = `mutation { createExchangeAccount(input: { exchange: "paper", label: "inputs" }) { account { id } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { entry { id amount } } }`;

async function account(prefix: string) {
  const user = await gw.freshUser(prefix);
  const accountId = (await ok(gw.http(CREATE_ACCOUNT, {}, user.key))).createExchangeAccount.account.id as string;
  return { ...user, accountId };
}

describe('Decimal inputs as JSON numbers', () => {
  test.each([
    ['a plain number', 123.456, '123.456'],
    ['a number binary floating point cannot hold exactly', 1.1, '1.1'],
    ['the shortest round-trip form, not the double\'s expansion', 0.30000000000000004, '0.30000000000000004'],
    ['an integer', 42, '42'],
    ['a small number JavaScript writes with an exponent (1e-7)', 1e-7, '0.0000001'],
    ['the smallest the column holds (1e-18)', 1e-18, '0.000000000000000001'],
    ['18 digits before the point, the column\'s most', 999999999999999900, '999999999999999900'],
    // JSON parsing already made it a double (17 significant digits): its shortest form is what arrives.
    ['more digits than a double holds: the double\'s shortest form', JSON.parse('123456789.123456789') as number, '123456789.12345679'],
  ])('%s is stored exactly as its decimal text', async (_, amount, stored) => {
    const { key, accountId } = await account('decimal_number');
    const data = await ok(gw.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount } }, key));
    expect(data.deposit.entry.amount).toBe(stored);
    const row = await prisma().ledgerEntry.findUniqueOrThrow({ where: { id: dbId(data.deposit.entry.id) } });
    expect(row.amount.toFixed()).toBe(stored);
  });

  test.each([
    ['past the column\'s 18 decimals (1e-19)', 1e-19],
    ['19 digits before the point (1e18)', 1e18],
    ['an exponent form past the column (1e21)', 1e21],
    ['1.5e300', 1.5e300],
    ['zero (must be > 0)', 0],
    ['negative', -5],
  ])('%s is BAD_USER_INPUT naming the field, and books nothing', async (_, amount) => {
    const { key, id, accountId } = await account('decimal_bad');
    const error = await fails(gw.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount } }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.amount');
    expect(await prisma().ledgerEntry.count({ where: { account: { userId: id } } })).toBe(0);
  });

  test('a non-finite number (impossible in JSON, possible in process) is refused', async () => {
    const { key, id, accountId } = await account('decimal_nonfinite');
    for (const amount of [Number.POSITIVE_INFINITY, Number.NaN]) {
      const result = await gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount } }, key);
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/finite/);
    }
    expect(await prisma().ledgerEntry.count({ where: { account: { userId: id } } })).toBe(0);
  });

  test('strings still work, and an exponent inside a string is still refused', async () => {
    const { key, accountId } = await account('decimal_string');
    expect((await ok(gw.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount: ' 10.50 ' } }, key))).deposit.entry.amount).toBe('10.5');
    const error = await fails(gw.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '1e5' } }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.amount');
  });

  test('numeric literals in the document are taken from their text, exponent expanded', async () => {
    const { key, accountId } = await account('decimal_literal');
    const inline = (amount: string) => `mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: ${amount} }) { entry { amount } } }`;
    expect((await ok(gw.http(inline('1.5e-3'), { a: accountId }, key))).deposit.entry.amount).toBe('0.0015');
    expect((await ok(gw.http(inline('12'), { a: accountId }, key))).deposit.entry.amount).toBe('12');
    // More digits than a double holds: the literal's own text, not a rounded double.
    expect((await ok(gw.http(inline('0.123456789012345678'), { a: accountId }, key))).deposit.entry.amount).toBe('0.123456789012345678');
    const error = await fails(gw.http(inline('1e-19'), { a: accountId }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.amount');
  });
});

const ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id symbol quantity price status position { id symbol quantity } } } }`;
const START = `mutation($input: StartTradingSessionInput!) { startTradingSession(input: $input) { id symbols } }`;
const LOG_TRADE = `mutation($input: LogTradeInput!) { logTrade(input: $input) { id tradeId symbol direction intensity action volume entryPrice exitPrice pnl pnlPips commission } }`;

async function funded(prefix: string, deposits: Record<string, string>) {
  const user = await account(prefix);
  for (const [asset, amount] of Object.entries(deposits)) await ok(gw.http(DEPOSIT, { input: { accountId: user.accountId, asset, amount } }, user.key));
  return user;
}

describe('symbols in exchange-native form', () => {
  test.each([
    ['Binance style', 'BTCUSDT', 'BTC-USDT', 'USDT'],
    ['the longest quote asset wins (FDUSD, not USD)', 'BTCFDUSD', 'BTC-FDUSD', 'FDUSD'],
    ['a crypto quote', 'ETHBTC', 'ETH-BTC', 'BTC'],
    ['forex', 'EURUSD', 'EUR-USD', 'USD'],
    ['a stablecoin as the base', 'USDTTRY', 'USDT-TRY', 'TRY'],
    ['digits in the base', '1000PEPEUSDT', '1000PEPE-USDT', 'USDT'],
    ['BASE-QUOTE as before', 'SOL-USDT', 'SOL-USDT', 'USDT'],
  ])('createOrder: %s (%s) is stored as %s and paid in %s', async (_, symbol, stored, quote) => {
    const { key, accountId } = await funded('symbol_order', { [quote]: '1000000' });
    // Quantity and price as JSON numbers, as a bot sends them.
    const data = await ok(gw.http(ORDER, { input: { accountId, symbol, side: 'BUY', type: 'MARKET', quantity: 0.5, price: 100 } }, key));
    expect(data.createOrder.order).toMatchObject({ symbol: stored, quantity: '0.5', price: '100', status: 'FILLED', position: { symbol: stored, quantity: '0.5' } });
    const fills = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId), kind: { in: ['FILL', 'COMMISSION'] } }, orderBy: { id: 'asc' } });
    expect(fills.map((e) => [e.kind, e.asset, e.amount.toFixed()])).toEqual([['FILL', quote, '-50'], ['COMMISSION', quote, '-0.05']]);
    // The other spelling grows the same position.
    const other = symbol === stored ? stored.replace('-', '') : stored;
    const again = await ok(gw.http(ORDER, { input: { accountId, symbol: other, side: 'BUY', type: 'MARKET', quantity: '0.5', price: '100' } }, key));
    expect(again.createOrder.order.position).toEqual({ id: data.createOrder.order.position.id, symbol: stored, quantity: '1' });
  });

  test.each([
    ['lower case', 'btcusdt'],
    ['a slash', 'BTC/USDT'],
    ['no known quote asset', 'BTCXYZ'],
    ['a quote asset alone', 'USDT'],
    ['an empty base', '-USDT'],
    ['two dashes', 'BTC-USD-T'],
    ['empty', ''],
  ])('createOrder: %s (%j) is BAD_USER_INPUT naming input.symbol; nothing is written', async (_, symbol) => {
    const { key, id, accountId } = await funded('symbol_bad', { USDT: '1000' });
    const error = await fails(gw.http(ORDER, { input: { accountId, symbol, side: 'BUY', type: 'LIMIT', quantity: '1', price: '1' } }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.symbol');
    expect(await prisma().order.count({ where: { account: { userId: id } } })).toBe(0);
  });

  test('startTradingSession stores BASE-QUOTE, once per symbol; a bad one is BAD_USER_INPUT naming its index', async () => {
    const { key, id } = await gw.freshUser('symbol_session');
    const data = await ok(gw.http(START, { input: { sessionKey: 's', initialBalance: 10000, symbols: ['EURUSD', 'BTCUSDT', 'EUR-USD', 'XAUUSD'] } }, key));
    expect(data.startTradingSession.symbols).toEqual(['EUR-USD', 'BTC-USDT', 'XAU-USD']);
    expect((await prisma().tradingSession.findFirstOrThrow({ where: { userId: id } })).symbols).toEqual(['EUR-USD', 'BTC-USDT', 'XAU-USD']);
    const error = await fails(gw.http(START, { input: { sessionKey: 't', initialBalance: '1', symbols: ['EURUSD', 'US30'] } }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('input.symbols[1]');
    expect(await prisma().tradingSession.count({ where: { userId: id } })).toBe(1);
  });
});

describe("logTrade takes the seed bot's record as it sends it", () => {
  async function session(prefix: string) {
    const user = await gw.freshUser(prefix);
    const sessionId = (await ok(gw.http(START, { input: { sessionKey: 'bot', initialBalance: 10000, symbols: ['EURUSD'] } }, user.key))).startTradingSession.id as string;
    return { ...user, sessionId };
  }
  /** A CLOSE as the bot sends it: integers for direction and intensity, JSON numbers for money. */
  const record = (sessionId: string, tradeId: string, extra: Record<string, unknown> = {}) => ({
    sessionId,
    tradeId,
    symbol: 'EURUSD',
    direction: -1,
    intensity: 2,
    action: 'CLOSE',
    volume: 0.25,
    entryPrice: 1.0845,
    exitPrice: 1.0823,
    pnl: 55,
    pnlPips: 22,
    commission: 0.875,
    ...extra,
  });

  test('integers and numbers are stored in canonical form: SELL, EUR-USD, exact decimals', async () => {
    const { key, sessionId } = await session('bot_record');
    const data = await ok(gw.http(LOG_TRADE, { input: record(sessionId, 'T1') }, key));
    expect(data.logTrade).toEqual({
      id: data.logTrade.id, tradeId: 'T1', symbol: 'EUR-USD', direction: 'SELL', intensity: 2, action: 'CLOSE',
      volume: '0.25', entryPrice: '1.0845', exitPrice: '1.0823', pnl: '55', pnlPips: '22', commission: '0.875',
    });
    const row = await prisma().trade.findUniqueOrThrow({ where: { id: dbId(data.logTrade.id) } });
    expect({ symbol: row.symbol, direction: row.direction, intensity: row.intensity, entryPrice: row.entryPrice?.toFixed() })
      .toEqual({ symbol: 'EUR-USD', direction: 'SELL', intensity: 2, entryPrice: '1.0845' });
    expect((await prisma().tradingSession.findUniqueOrThrow({ where: { id: dbId(sessionId) } })).totalPnl.toFixed()).toBe('55');
  });

  test.each([
    ['1', 1, 'BUY'],
    ['-1', -1, 'SELL'],
    ['"1" as text', '1', 'BUY'],
    ['"-1" as text', '-1', 'SELL'],
    ['BUY', 'BUY', 'BUY'],
    ['sell in lower case', 'sell', 'SELL'],
    ['other text, kept as written', 'LONG', 'LONG'],
  ])('direction %s is stored as %s', async (_, direction, stored) => {
    const { key, sessionId } = await session('bot_direction');
    const data = await ok(gw.http(LOG_TRADE, { input: record(sessionId, 'D', { direction, intensity: -1 }) }, key));
    expect(data.logTrade).toMatchObject({ direction: stored, intensity: -1 });
  });

  test('inline literals work as variables do', async () => {
    const { key, sessionId } = await session('bot_literal');
    const data = await ok(gw.http(
      `mutation($s: ID!) {
        a: logTrade(input: { sessionId: $s, tradeId: "A", symbol: "BTCUSDT", direction: 1, intensity: 1, action: OPEN, volume: 0.5, entryPrice: 94250.5 }) { symbol direction intensity volume entryPrice }
        b: logTrade(input: { sessionId: $s, tradeId: "B", symbol: "BTC-USDT", direction: -1, action: OPEN, volume: 1e-7 }) { direction volume }
      }`,
      { s: sessionId },
      key,
    ));
    expect(data).toEqual({
      a: { symbol: 'BTC-USDT', direction: 'BUY', intensity: 1, volume: '0.5', entryPrice: '94250.5' },
      b: { direction: 'SELL', volume: '0.0000001' },
    });
  });

  test.each([
    ['direction 0', { direction: 0 }, 'input.direction'],
    ['direction 2', { direction: 2 }, 'input.direction'],
    ['direction 0.5', { direction: 0.5 }, 'input.direction'],
    ['an empty direction', { direction: '' }, 'input.direction'],
    ['an unknown symbol form', { symbol: 'EUR USD' }, 'input.symbol'],
    ['a volume past the column (1e-19)', { volume: 1e-19 }, 'input.volume'],
    ['a pnl past the column (1e18)', { pnl: 1e18 }, 'input.pnl'],
  ])('%s is BAD_USER_INPUT naming the field; nothing is stored', async (_, extra, field) => {
    const { key, id, sessionId } = await session('bot_bad');
    const error = await fails(gw.http(LOG_TRADE, { input: record(sessionId, 'X', extra) }, key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe(field);
    expect(await prisma().trade.count({ where: { userId: id } })).toBe(0);
  });

  test('values at the column bounds as JSON numbers are stored exactly', async () => {
    const { key, sessionId } = await session('bot_bounds');
    const data = await ok(gw.http(LOG_TRADE, { input: record(sessionId, 'B', { volume: 1e-18, pnl: -999999999999999900, commission: 1e-7 }) }, key));
    expect(data.logTrade).toMatchObject({ volume: '0.000000000000000001', pnl: '-999999999999999900', commission: '0.0000001' });
  });

  test('a retry is a retry in any spelling; another direction with the same tradeId is CONFLICT', async () => {
    const { key, id, sessionId } = await session('bot_retry');
    const first = await ok(gw.http(LOG_TRADE, { input: record(sessionId, 'R') }, key));
    const spelled = await ok(gw.http(LOG_TRADE, { input: record(sessionId, 'R', { direction: 'SELL', symbol: 'EUR-USD', volume: '0.250', pnl: '55.0' }) }, key));
    expect(spelled.logTrade).toEqual(first.logTrade);
    const error = await fails(gw.http(LOG_TRADE, { input: record(sessionId, 'R', { direction: 1 }) }, key), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.tradeId');
    expect(await prisma().trade.count({ where: { userId: id } })).toBe(1);
  });

  test('a trade stored before normalisation (EURUSD, buy) is still a retry of the same record', async () => {
    const { key, id, sessionId } = await session('bot_legacy');
    const legacy = await prisma().trade.create({
      data: { sessionId: dbId(sessionId), userId: id, tradeId: 'L', symbol: 'EURUSD', direction: 'buy', action: 'OPEN', volume: '1' },
    });
    const retry = await ok(gw.http(LOG_TRADE, { input: { sessionId, tradeId: 'L', symbol: 'EURUSD', direction: 1, action: 'OPEN', volume: 1 } }, key));
    expect(retry.logTrade).toMatchObject({ id: expect.any(String), symbol: 'EURUSD', direction: 'buy' });
    expect(dbId(retry.logTrade.id)).toBe(legacy.id);
    await fails(gw.http(LOG_TRADE, { input: { sessionId, tradeId: 'L', symbol: 'EURUSD', direction: -1, action: 'OPEN', volume: 1 } }, key), 'CONFLICT');
  });
});
