import { buildASTSchema, parse } from 'graphql';
import { typeDefs } from '../src/graphql/schema';
import { ok } from './helpers/responses';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/test-gateway';

// The authorization matrix: every root field and mutation of the schema, run by an intruder
// against another user's objects. Reads see nothing of the owner's; writes are refused with
// NOT_FOUND or FORBIDDEN and change nothing; without a key, everything is UNAUTHENTICATED.
// A root field added to the schema without an entry here fails the completeness test.

let gw: TestGateway;
let ownerKey: string;
let intruderKey: string;
/** Global IDs and values of the owner's objects, made through the API. */
const owned: Record<string, string> = {};

beforeAll(async () => {
  gw = await startTestGateway();
  ownerKey = await gw.keyFor('authz-owner');
  intruderKey = await gw.keyFor('authz-intruder');
  const run = (query: string, variables: Record<string, unknown> = {}) => ok(gw.execute(query, variables, ownerKey));

  owned.dfid = 'AUTHZ-OWNED-1';
  owned.item = (await run(`mutation { storeItem(input: { dfid: "AUTHZ-OWNED-1", source: "erp", identifiers: [{ key: "authz", value: "secret-1" }] }) { id } }`)).storeItem.id;
  owned.itemEvent = (await run(`mutation { recordItemEvent(input: { dfid: "AUTHZ-OWNED-1", type: "CREATED" }) { id } }`)).recordItemEvent.id;
  owned.circuit = (await run(`mutation { createCircuit(input: { name: "Owner's circuit" }) { id } }`)).createCircuit.id;
  await run(`mutation($c: ID!) { pushItemToCircuit(input: { circuitId: $c, dfid: "AUTHZ-OWNED-1" }) { id } }`, { c: owned.circuit });
  owned.session = (await run(`mutation { startTradingSession(input: { sessionKey: "authz", initialBalance: "100", symbols: ["EURUSD"] }) { id } }`)).startTradingSession.id;
  owned.trade = (await run(`mutation($s: ID!) { logTrade(input: { sessionId: $s, tradeId: "T1", symbol: "EURUSD", direction: "BUY", action: OPEN, volume: "1" }) { id } }`, { s: owned.session })).logTrade.id;
  owned.sessionEvent = (await run(`mutation($s: ID!) { logSessionEvent(input: { sessionId: $s, type: "NOTE" }) { id } }`, { s: owned.session })).logSessionEvent.id;
  owned.account = (await run(`mutation { createExchangeAccount(input: { exchange: "paper", label: "authz" }) { account { id } } }`)).createExchangeAccount.account.id;
  owned.ledgerEntry = (await run(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "10000" }) { entry { id } } }`, { a: owned.account })).deposit.entry.id;
  const market = await run(
    `mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: BUY, type: MARKET, quantity: "0.1", price: "1000" }) { order { id position { id } } } }`,
    { a: owned.account },
  );
  owned.position = market.createOrder.order.position.id;
  owned.order = (await run(`mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: BUY, type: LIMIT, quantity: "0.1", price: "900" }) { order { id } } }`, { a: owned.account })).createOrder.order.id;
  await run(`mutation { recordMarkPrices(input: [{ symbol: "BTC-USDT", price: "1100" }]) { markPrices { price } } }`);
  owned.apiKey = (await run(`mutation { createApiKey(input: { name: "owner's bot" }) { apiKey { id } } }`)).createApiKey.apiKey.id;
  owned.user = (await run(`{ viewer { id } }`)).viewer.id;
  await ok(gw.execute(`mutation { createCircuit(input: { name: "Intruder's circuit" }) { id } }`, {}, intruderKey));
  owned.intruderCircuit = (await ok(gw.execute(`{ circuits { edges { node { id } } } }`, {}, intruderKey))).circuits.edges[0].node.id;
  owned.intruderAccount = (await ok(gw.execute(`mutation { createExchangeAccount(input: { exchange: "paper", label: "mine" }) { account { id } } }`, {}, intruderKey))).createExchangeAccount.account.id;
  await ok(gw.execute(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "10000" }) { entry { id } } }`, { a: owned.intruderAccount }, intruderKey));
});
afterAll(() => gw.close());

/** Everything of the owner's, as stored, to compare before and after the intruder's attempts. */
async function ownerState() {
  const prisma = gw.db.prisma;
  const owner = await prisma.user.findUniqueOrThrow({ where: { username: 'authz-owner' } });
  return {
    items: await prisma.item.findMany({ where: { ownerId: owner.id }, include: { identifiers: true, events: true, sources: true, circuits: true } }),
    circuits: await prisma.circuit.findMany({ where: { ownerId: owner.id }, include: { members: true, items: true } }),
    sessions: await prisma.tradingSession.findMany({ where: { userId: owner.id }, include: { trades: true, events: true } }),
    accounts: await prisma.exchangeAccount.findMany({ where: { userId: owner.id }, include: { positions: true, orders: true, ledger: true } }),
    keys: await prisma.apiKey.findMany({ where: { userId: owner.id }, select: { id: true, revokedAt: true, name: true } }),
    markPrices: await prisma.markPrice.findMany({ where: { userId: owner.id } }),
  };
}

type Check = (result: GraphQLResponse) => void;
const isNull = (field: string): Check => (result) => expect(result.data).toEqual({ [field]: null });
const refused: Check = (result) => {
  expect(result.data).toBeNull();
  expect(['NOT_FOUND', 'FORBIDDEN']).toContain(result.errors?.[0]?.extensions?.code);
};
const without = (field: string, pick: (data: any) => unknown[], id: () => string): Check => (result) => {
  expect(result.errors).toBeUndefined();
  expect(pick(result.data[field])).not.toContain(id());
};

interface Entry {
  field: string;
  /** What the intruder sends; `$x` variables come from `variables()`. */
  query: string;
  variables?: () => Record<string, unknown>;
  check: Check;
}

const edgesIds = (connection: any) => connection.edges.map((edge: any) => edge.node.id);

const queries: Entry[] = [
  { field: 'viewer', query: `{ viewer { id } }`, check: (r) => expect(r.data.viewer.id).not.toBe(owned.user) },
  ...['item', 'itemEvent', 'circuit', 'session', 'trade', 'sessionEvent', 'account', 'ledgerEntry', 'position', 'order', 'apiKey', 'user'].map(
    (kind): Entry => ({ field: 'node', query: `query($id: ID!) { node(id: $id) { id } }`, variables: () => ({ id: owned[kind] }), check: isNull('node') }),
  ),
  { field: 'item', query: `{ item(dfid: "AUTHZ-OWNED-1") { id } }`, check: isNull('item') },
  { field: 'items', query: `{ items(first: 100) { edges { node { id } } } }`, check: without('items', edgesIds, () => owned.item!) },
  { field: 'itemsByIdentifier', query: `{ itemsByIdentifier(key: "authz", value: "secret-1") { id } }`, check: (r) => expect(r.data).toEqual({ itemsByIdentifier: [] }) },
  { field: 'circuit', query: `query($id: ID!) { circuit(id: $id) { id } }`, variables: () => ({ id: owned.circuit }), check: isNull('circuit') },
  { field: 'circuits', query: `{ circuits(first: 100) { edges { node { id } } } }`, check: without('circuits', edgesIds, () => owned.circuit!) },
  { field: 'tradingSession', query: `query($id: ID!) { tradingSession(id: $id) { id } }`, variables: () => ({ id: owned.session }), check: isNull('tradingSession') },
  { field: 'tradingSessions', query: `{ tradingSessions(first: 100) { edges { node { id } } } }`, check: without('tradingSessions', edgesIds, () => owned.session!) },
  {
    field: 'trades',
    query: `query($s: ID!) { trades(first: 100, filter: { sessionId: $s }) { totalCount edges { node { id } } } }`,
    variables: () => ({ s: owned.session }),
    check: (r) => expect(r.data).toEqual({ trades: { totalCount: 0, edges: [] } }),
  },
  { field: 'exchangeAccounts', query: `{ exchangeAccounts { id } }`, check: without('exchangeAccounts', (list) => list.map((a: any) => a.id), () => owned.account!) },
  { field: 'position', query: `query($id: ID!) { position(id: $id) { id } }`, variables: () => ({ id: owned.position }), check: isNull('position') },
  { field: 'positions', query: `{ positions(first: 100) { edges { node { id } } } }`, check: without('positions', edgesIds, () => owned.position!) },
  { field: 'orders', query: `{ orders(first: 100) { edges { node { id } } } }`, check: without('orders', edgesIds, () => owned.order!) },
  {
    field: 'orders',
    query: `query($a: ID!) { orders(first: 100, filter: { accountId: $a }) { totalCount edges { node { id } } } }`,
    variables: () => ({ a: owned.account }),
    check: (r) => expect(r.data).toEqual({ orders: { totalCount: 0, edges: [] } }),
  },
  { field: 'ledgerEntries', query: `query($a: ID!) { ledgerEntries(accountId: $a) { edges { node { id } } } }`, variables: () => ({ a: owned.account }), check: refused },
  {
    field: 'balances',
    query: `{ balances { accounts { account { id } } } }`,
    check: without('balances', (summary) => summary.accounts.map((a: any) => a.account.id), () => owned.account!),
  },
  // Prices are each user's own: the owner's BTC-USDT mark is not the intruder's.
  { field: 'markPrices', query: `{ markPrices { symbol price } }`, check: (r) => expect(r.data).toEqual({ markPrices: [] }) },
  // Instance-wide counters: no user's data in them.
  { field: 'balanceCacheMetrics', query: `{ balanceCacheMetrics { hits misses } }`, check: (r) => expect(r.errors).toBeUndefined() },
  { field: 'apiKeys', query: `{ apiKeys { id } }`, check: without('apiKeys', (list) => list.map((k: any) => k.id), () => owned.apiKey!) },
];

const mutations: Entry[] = [
  // Another user's item looks exactly like a missing one: storing its dfid makes the intruder an
  // item of their own (the owner's is untouched, as ownerState checks), and an event on that
  // dfid is recorded on the intruder's item.
  { field: 'storeItem', query: `mutation { storeItem(input: { dfid: "AUTHZ-OWNED-1", source: "x", aliases: ["stolen"] }) { id } }`, check: (r) => expect(r.data.storeItem.id).not.toBe(owned.item) },
  { field: 'recordItemEvent', query: `mutation { recordItemEvent(input: { dfid: "AUTHZ-OWNED-1", type: "TAMPERED" }) { id item { id } } }`, check: (r) => expect(r.data.recordItemEvent.item.id).not.toBe(owned.item) },
  { field: 'recordItemEvent', query: `mutation { recordItemEvent(input: { dfid: "AUTHZ-NEVER-STORED", type: "TAMPERED" }) { id } }`, check: refused },
  // Creates the intruder's own circuit: allowed, and touches nothing of the owner's.
  { field: 'createCircuit', query: `mutation { createCircuit(input: { name: "Another of mine" }) { id } }`, check: (r) => expect(r.errors).toBeUndefined() },
  { field: 'addCircuitMember', query: `mutation($c: ID!) { addCircuitMember(input: { circuitId: $c, username: "authz-intruder", role: ADMIN }) { role } }`, variables: () => ({ c: owned.circuit }), check: refused },
  { field: 'pushItemToCircuit', query: `mutation($c: ID!) { pushItemToCircuit(input: { circuitId: $c, dfid: "AUTHZ-OWNED-1" }) { id } }`, variables: () => ({ c: owned.circuit }), check: refused },
  { field: 'removeCircuitMember', query: `mutation($c: ID!) { removeCircuitMember(input: { circuitId: $c, username: "authz-owner" }) { role } }`, variables: () => ({ c: owned.circuit }), check: refused },
  { field: 'changeCircuitMemberRole', query: `mutation($c: ID!) { changeCircuitMemberRole(input: { circuitId: $c, username: "authz-owner", role: VIEWER }) { role } }`, variables: () => ({ c: owned.circuit }), check: refused },
  { field: 'changeCircuitMemberRole', query: `mutation($c: ID!) { changeCircuitMemberRole(input: { circuitId: $c, username: "authz-intruder", role: OWNER }) { role } }`, variables: () => ({ c: owned.circuit }), check: refused },
  // Pushes the intruder's own AUTHZ-OWNED-1 into their own circuit; the owner's item stays out of it.
  { field: 'pushItemToCircuit', query: `mutation($c: ID!) { pushItemToCircuit(input: { circuitId: $c, dfid: "AUTHZ-OWNED-1" }) { id } }`, variables: () => ({ c: owned.intruderCircuit }), check: (r) => expect(r.data.pushItemToCircuit.id).toBe(owned.intruderCircuit) },
  { field: 'startTradingSession', query: `mutation { startTradingSession(input: { sessionKey: "authz", initialBalance: "1", symbols: [] }) { id } }`, check: (r) => expect(r.data.startTradingSession.id).not.toBe(owned.session) },
  { field: 'heartbeat', query: `mutation($s: ID!) { heartbeat(input: { sessionId: $s, currentBalance: "1" }) { id } }`, variables: () => ({ s: owned.session }), check: refused },
  { field: 'endTradingSession', query: `mutation($s: ID!) { endTradingSession(input: { sessionId: $s, reason: MANUAL }) { id } }`, variables: () => ({ s: owned.session }), check: refused },
  {
    field: 'logTrade',
    query: `mutation($s: ID!) { logTrade(input: { sessionId: $s, tradeId: "T1", symbol: "EURUSD", direction: "BUY", action: OPEN, volume: "1" }) { id } }`,
    variables: () => ({ s: owned.session }),
    check: refused,
  },
  { field: 'logSessionEvent', query: `mutation($s: ID!) { logSessionEvent(input: { sessionId: $s, type: "X" }) { id } }`, variables: () => ({ s: owned.session }), check: refused },
  { field: 'createExchangeAccount', query: `mutation { createExchangeAccount(input: { exchange: "paper", label: "authz" }) { account { id } } }`, check: (r) => expect(r.data.createExchangeAccount.account.id).not.toBe(owned.account) },
  { field: 'deposit', query: `mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "1" }) { entry { id } } }`, variables: () => ({ a: owned.account }), check: refused },
  {
    field: 'withdraw',
    query: `mutation($a: ID!) { withdraw(input: { accountId: $a, asset: "USDT", amount: "1", reference: "authz-steal" }) { entry { id } } }`,
    variables: () => ({ a: owned.account }),
    check: refused,
  },
  {
    field: 'createOrder',
    query: `mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: SELL, type: MARKET, quantity: "0.1", price: "1" }) { order { id } } }`,
    variables: () => ({ a: owned.account }),
    check: refused,
  },
  {
    field: 'createOrder',
    query: `mutation($a: ID!, $p: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: SELL, type: MARKET, quantity: "0.1", price: "1", positionId: $p }) { order { id } } }`,
    variables: () => ({ a: owned.intruderAccount, p: owned.position }),
    check: refused,
  },
  { field: 'cancelOrder', query: `mutation($o: ID!) { cancelOrder(id: $o) { order { id } } }`, variables: () => ({ o: owned.order }), check: refused },
  { field: 'setPositionProtection', query: `mutation($p: ID!) { setPositionProtection(input: { positionId: $p, stopLoss: "1" }) { position { id } } }`, variables: () => ({ p: owned.position }), check: refused },
  { field: 'closePosition', query: `mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "1" }) { position { id } } }`, variables: () => ({ p: owned.position }), check: refused },
  // The intruder's price is theirs alone: the owner's mark (and so their PnL) stays as it was (ownerState).
  {
    field: 'recordMarkPrices',
    query: `mutation { recordMarkPrices(input: [{ symbol: "BTC-USDT", price: "1" }]) { markPrices { price } balances { equity { asset unrealizedPnl } } } }`,
    check: (r) => expect(r.data.recordMarkPrices).toEqual({ markPrices: [{ price: '1' }], balances: { equity: [{ asset: 'USDT', unrealizedPnl: '0' }] } }),
  },
  { field: 'invalidateBalanceCache', query: `mutation { invalidateBalanceCache }`, check: (r) => expect(r.data).toEqual({ invalidateBalanceCache: true }) },
  { field: 'createApiKey', query: `mutation { createApiKey(input: { name: "mine" }) { apiKey { id } } }`, check: (r) => expect(r.errors).toBeUndefined() },
  { field: 'revokeApiKey', query: `mutation($k: ID!) { revokeApiKey(id: $k) { id } }`, variables: () => ({ k: owned.apiKey }), check: refused },
];

describe('every root field and mutation has an entry', () => {
  test('the matrix covers the schema', () => {
    const schema = buildASTSchema(parse(typeDefs));
    const rootFields = (type: 'Query' | 'Mutation') => Object.keys(schema.getType(type) ? (schema.getType(type) as any).getFields() : {}).sort();
    const covered = (entries: Entry[]) => [...new Set(entries.map((entry) => entry.field))].sort();
    expect(covered(queries)).toEqual(rootFields('Query'));
    expect(covered(mutations)).toEqual(rootFields('Mutation'));
  });
});

describe("an intruder against the owner's objects", () => {
  let before: Awaited<ReturnType<typeof ownerState>>;
  beforeAll(async () => {
    before = await ownerState();
  });

  test.each(queries.map((entry) => [entry.field, entry] as const))('query %s', async (_, entry) => {
    entry.check(await gw.execute(entry.query, entry.variables?.() ?? {}, intruderKey));
  });

  test.each(mutations.map((entry) => [entry.field, entry] as const))('mutation %s', async (_, entry) => {
    entry.check(await gw.execute(entry.query, entry.variables?.() ?? {}, intruderKey));
  });

  test("nothing of the owner's changed", async () => {
    expect(await ownerState()).toEqual(before);
  });
});

describe('without an API key', () => {
  test.each([...queries, ...mutations].map((entry) => [entry.field, entry] as const))('%s is UNAUTHENTICATED', async (_, entry) => {
    const result = await gw.execute(entry.query, entry.variables?.() ?? {});
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
