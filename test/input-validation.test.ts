import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// Bad input at the boundary: BAD_USER_INPUT naming the field, whether values come inline or as
// variables, and nothing written.
let gw: TestGateway;
let key: string;
let accountId: string;
let sessionId: string;

beforeAll(async () => {
  gw = await startTestGateway();
  key = await gw.keyFor('validation-user');
  accountId = (await gw.execute(`mutation { createExchangeAccount(input: { exchange: "paper", label: "v" }) { account { id } } }`, {}, key)).data.createExchangeAccount.account.id;
  sessionId = (await gw.execute(`mutation { startTradingSession(input: { sessionKey: "v", initialBalance: "1", symbols: [] }) { id } }`, {}, key)).data.startTradingSession.id;
});
afterAll(() => gw.close());

const expectBadInput = async (query: string, variables: Record<string, unknown>, field: string) => {
  const result = await gw.execute(query, variables, key);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(result.errors?.[0]?.message).toContain(field);
};

const DEPOSIT = `mutation($a: ID!, $amount: Decimal!) { deposit(input: { accountId: $a, asset: "USDT", amount: $amount }) { entry { id } } }`;

test.each([
  ['not a number', 'abc'],
  ['zero', '0'],
  ['negative', '-5'],
  ['too many decimals', '1.0000000000000000001'],
  ['too many digits', '1234567890123456789'],
  ['exponent notation', '1e5'],
])('deposit amount: %s', async (_, amount) => {
  await expectBadInput(DEPOSIT, { a: accountId, amount }, 'input.amount');
});

test('an inline malformed decimal is BAD_USER_INPUT too', async () => {
  await expectBadInput(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "12,5" }) { entry { id } } }`, { a: accountId }, 'input.amount');
});

test.each([
  ['lower case', 'btc-usdt'],
  ['no known quote asset', 'BTCXYZ'],
  ['a quote asset and nothing before it', 'USDT'],
  ['a base too short', 'XUSDT'],
  ['empty', ''],
])('order symbol: %s', async (_, symbol) => {
  await expectBadInput(
    `mutation($a: ID!, $s: String!) { createOrder(input: { accountId: $a, symbol: $s, side: BUY, type: LIMIT, quantity: "1", price: "1" }) { order { id } } }`,
    { a: accountId, s: symbol },
    'input.symbol',
  );
});

test.each([
  ['input.accountId', `mutation { deposit(input: { accountId: "not-an-id", asset: "USDT", amount: "1" }) { entry { id } } }`],
  ['input.sessionId', `mutation { heartbeat(input: { sessionId: "VXNlcjox", currentBalance: "1" }) { id } }`],
  ['id', `{ position(id: "%%%") { id } }`],
])('malformed or wrong-type ID names %s', async (field, query) => {
  await expectBadInput(query, {}, field);
});

test.each([
  ['input.sessionKey', `mutation { startTradingSession(input: { sessionKey: "${'k'.repeat(201)}", initialBalance: "1", symbols: [] }) { id } }`],
  ['input.type', `mutation($s: ID!) { logSessionEvent(input: { sessionId: $s, type: "" }) { id } }`],
  ['input.name', `mutation { createCircuit(input: { name: "${'n'.repeat(201)}" }) { id } }`],
  ['input.dfid', `mutation { storeItem(input: { dfid: "   ", source: "erp" }) { id } }`],
])('string length: %s', async (field, query) => {
  await expectBadInput(query, { s: sessionId }, field);
});

test('an unknown enum value is refused before anything runs', async () => {
  const result = await gw.execute(`mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: HOLD, type: LIMIT, quantity: "1", price: "1" }) { order { id } } }`, { a: accountId }, key);
  expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const viaVariable = await gw.execute(
    `mutation($a: ID!, $side: OrderSide!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: $side, type: LIMIT, quantity: "1", price: "1" }) { order { id } } }`,
    { a: accountId, side: 'HOLD' },
    key,
  );
  expect(viaVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(viaVariable.errors?.[0]?.message).toMatch(/\$side/);
});

test('nothing was written by the refused requests', async () => {
  const user = await gw.db.prisma.user.findUniqueOrThrow({ where: { username: 'validation-user' } });
  expect(await gw.db.prisma.ledgerEntry.count({ where: { account: { userId: user.id } } })).toBe(0);
  expect(await gw.db.prisma.order.count({ where: { account: { userId: user.id } } })).toBe(0);
  expect(await gw.db.prisma.tradingSession.count({ where: { userId: user.id } })).toBe(1);
});
