import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { postOperation } from './helpers/hostile';

// Input an attacker (or a buggy client) sends: each is a clear BAD_USER_INPUT naming the field,
// never INTERNAL_SERVER_ERROR, and nothing is stored. Production mode: no stack traces either.
let gw: TestGateway;
let key: string;
let userId: number;
beforeAll(async () => {
  gw = await startTestGateway({ env: 'production' });
  ({ key, id: userId } = await gw.freshUser('hostile-input'));
});
afterAll(() => gw.close());

const expectBadInput = (result: { data?: unknown; errors?: readonly any[] }, field: RegExp | string) => {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors![0]!.extensions!.field).toEqual(typeof field === 'string' ? field : expect.stringMatching(field));
  expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|prisma|postgres/i);
};

const rowsOf = async () => ({
  items: await gw.db.prisma.item.count({ where: { ownerId: userId } }),
  sessions: await gw.db.prisma.tradingSession.count({ where: { userId } }),
  events: await gw.db.prisma.itemEvent.count({ where: { item: { ownerId: userId } } }),
  ledger: await gw.db.prisma.ledgerEntry.count({ where: { account: { userId } } }),
});

describe('a NUL character in any string input', () => {
  const STORE = 'mutation($input: StoreItemInput!) { storeItem(input: $input) { id } }';
  test.each([
    ['dfid', { dfid: 'NUL\u0000DFID', source: 'erp' }, '$input.dfid'],
    ['identifier key', { dfid: 'NUL-2', source: 'erp', identifiers: [{ key: 'k\u0000', value: 'v' }] }, '$input.identifiers[0].key'],
    ['alias', { dfid: 'NUL-3', source: 'erp', aliases: ['a', '\u0000'] }, '$input.aliases[1]'],
  ])('storeItem with a NUL in its %s', async (_, input, field) => {
    const before = await rowsOf();
    expectBadInput(await gw.http(STORE, { input }, key), field);
    expect(await rowsOf()).toEqual(before);
  });

  test('in a session key, a trade comment, a filter, a JSON value and an inline literal', async () => {
    const before = await rowsOf();
    expectBadInput(await gw.http('mutation($k: String!) { startTradingSession(input: { sessionKey: $k, initialBalance: "1", symbols: [] }) { id } }', { k: 'bot\u0000' }, key), '$k');
    expectBadInput(await gw.http('query($p: String) { items(first: 1, filter: { dfidPrefix: $p }) { totalCount } }', { p: 'x\u0000' }, key), '$p');
    expectBadInput(await gw.http('mutation($d: JSON) { recordItemEvent(input: { dfid: "X", type: "T", data: $d }) { id } }', { d: { note: { deep: 'a\u0000b' } } }, key), '$d.note.deep');
    expectBadInput(await gw.http('mutation { startTradingSession(input: { sessionKey: "inline\\u0000", initialBalance: "1", symbols: [] }) { id } }', {}, key), 'input.sessionKey');
    expect(await rowsOf()).toEqual(before);
  });
});

test('JSON variables nested thousands of levels deep', async () => {
  // Written by hand: JSON.stringify itself cannot encode 5 000 levels.
  const deep = `${'{"d":'.repeat(5_000)}"leaf"${'}'.repeat(5_000)}`;
  const before = await rowsOf();
  const body = `{"query":"mutation($d: JSON) { recordItemEvent(input: { dfid: \\"X\\", type: \\"T\\", data: $d }) { id } }","variables":{"d":${deep}}}`;
  const result = await postOperation(gw, body, key);
  expect(result.status).toBeLessThan(500);
  expectBadInput(result.body, /^\$d(\.d)+$/);
  expect(await rowsOf()).toEqual(before);
});

test('a closePosition exit price whose PnL overflows the money column', async () => {
  const account = (await gw.http('mutation { createExchangeAccount(input: { exchange: "paper", label: "overflow" }) { account { id } } }', {}, key)).data.createExchangeAccount.account.id;
  await gw.http('mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "100000" }) { entry { id } } }', { a: account }, key);
  const order = await gw.http(
    'mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: BUY, type: MARKET, quantity: "10", price: "1" }) { order { position { id } } } }',
    { a: account },
    key,
  );
  const positionId = order.data.createOrder.order.position.id;
  const before = await rowsOf();
  const result = await gw.http('mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "999999999999999999" }) { position { status } } }', { p: positionId }, key);
  expectBadInput(result, 'input.exitPrice');
  expect(await rowsOf()).toEqual(before);
  const position = await gw.http('query($p: ID!) { position(id: $p) { status } }', { p: positionId }, key);
  expect(position.data.position.status).toBe('OPEN');
});

test("money is shown to the column's full scale: free and total equal the ledger", async () => {
  const { key: richKey } = await gw.freshUser('precise');
  const a = (await gw.http('mutation { createExchangeAccount(input: { exchange: "paper", label: "a" }) { account { id } } }', {}, richKey)).data.createExchangeAccount.account.id;
  const b = (await gw.http('mutation { createExchangeAccount(input: { exchange: "paper", label: "b" }) { account { id } } }', {}, richKey)).data.createExchangeAccount.account.id;
  for (const account of [a, b]) {
    const deposit = await gw.http('mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "12345.678901234567890123" }) { entry { amount } } }', { a: account }, richKey);
    expect(deposit.errors).toBeUndefined();
  }
  const balances = await gw.http('{ balances { assets { asset free total } accounts { assets { asset free total } } } }', {}, richKey);
  expect(balances.data.balances.accounts.map((entry: any) => entry.assets)).toEqual([
    [{ asset: 'USDT', free: '12345.678901234567890123', total: '12345.678901234567890123' }],
    [{ asset: 'USDT', free: '12345.678901234567890123', total: '12345.678901234567890123' }],
  ]);
  expect(balances.data.balances.assets).toEqual([{ asset: 'USDT', free: '24691.357802469135780246', total: '24691.357802469135780246' }]);
});
