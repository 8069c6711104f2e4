import { toGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';

// No N+1, anywhere: an operation runs one SQL statement per level of relations (plus the API key
// lookup), whatever the page sizes. Each case is run at first: 2 and first: 20 against the demo
// data, where every list has more than 2 rows, so a per-row query would show as a difference.

interface Case {
  relation: string;
  query: string;
  /** Expected statements: 1 (API key) + one per list or relation level. */
  statements: number;
  /**
   * Where two branches of the document reach a level in the same turn, their reads may share a
   * statement (db/wire-rows.ts) or not, as their answers happen to arrive: then as few as this.
   */
  atLeast?: number;
}

const cases: Case[] = [
  // Traceability
  { relation: 'Item.identifiers', query: `items(first: $n) { edges { node { identifiers { key value } } } }`, statements: 3 },
  { relation: 'Item.sources', query: `items(first: $n) { edges { node { sources { source } } } }`, statements: 3 },
  // A to-one relation to a public row (an owner, a member's user) comes with its row (LeanTableSpec.embeds).
  { relation: 'Item.owner', query: `items(first: $n) { edges { node { owner { username } } } }`, statements: 2 },
  { relation: 'Item.events', query: `items(first: $n) { edges { node { events(first: $n) { totalCount edges { node { type } } } } } }`, statements: 3 },
  { relation: 'Item.circuits', query: `items(first: $n) { edges { node { circuits(first: $n) { edges { node { name } } } } } }`, statements: 3 },
  { relation: 'ItemEvent.item', query: `items(first: $n) { edges { node { events(first: $n) { edges { node { item { dfid } } } } } } }`, statements: 4 },
  { relation: 'Circuit.owner', query: `circuits(first: $n) { edges { node { owner { username } } } }`, statements: 2 },
  // The circuits page joins the viewer's membership: the role comes with the page.
  { relation: 'Circuit.viewerRole', query: `circuits(first: $n) { edges { node { viewerRole } } }`, statements: 2 },
  // A circuits page carries its nodes' members and items in its own statement (graphql/carried-reads.ts).
  { relation: 'Circuit.members', query: `circuits(first: $n) { edges { node { members(first: $n) { totalCount edges { node { role } } } } } }`, statements: 2 },
  { relation: 'CircuitMember.user', query: `circuits(first: $n) { edges { node { members(first: $n) { edges { node { user { username } } } } } } }`, statements: 2 },
  { relation: 'Circuit.items', query: `circuits(first: $n) { edges { node { items(first: $n) { totalCount edges { node { dfid } } } } } }`, statements: 2 },
  // Trading
  // A sessions page carries its nodes' trades and events in its own statement.
  { relation: 'TradingSession.trades', query: `tradingSessions(first: $n) { edges { node { trades(first: $n) { totalCount edges { node { tradeId } } } } } }`, statements: 2 },
  { relation: 'TradingSession.events', query: `tradingSessions(first: $n) { edges { node { events(first: $n) { edges { node { type } } } } } }`, statements: 2 },
  { relation: 'Trade.session', query: `trades(first: $n) { edges { node { session { sessionKey } } } }`, statements: 3 },
  { relation: 'Trade.position', query: `trades(first: $n, filter: { isPaper: true }) { edges { node { position { symbol } } } }`, statements: 3 },
  { relation: 'SessionEvent.session', query: `tradingSessions(first: $n) { edges { node { events(first: $n) { edges { node { session { id } } } } } } }`, statements: 3 },
  { relation: 'ExchangeAccount.positions', query: `exchangeAccounts { positions(first: $n) { totalCount edges { node { symbol } } } }`, statements: 3 },
  { relation: 'Position.account', query: `positions(first: $n) { edges { node { account { label } } } }`, statements: 3 },
  { relation: 'Position.orders', query: `positions(first: $n) { edges { node { orders(first: $n) { totalCount edges { node { type } } } } } }`, statements: 3 },
  { relation: 'Order.position', query: `positions(first: $n) { edges { node { orders(first: $n) { edges { node { position { symbol } } } } } } }`, statements: 4 },
  { relation: 'Order.account', query: `positions(first: $n) { edges { node { orders(first: $n) { edges { node { account { label } } } } } } }`, statements: 4 },
  { relation: 'Query.orders', query: `orders(first: $n, filter: { symbol: "BTCUSDT" }) { totalCount edges { node { type status } } }`, statements: 3 },
  { relation: 'ExchangeAccount.orders', query: `exchangeAccounts { orders(first: $n, filter: { side: BUY }) { totalCount edges { node { type } } } }`, statements: 3 },
  { relation: 'ExchangeAccount.ledgerEntries', query: `exchangeAccounts { ledgerEntries(first: $n, filter: { asset: "USDT" }) { totalCount edges { node { kind amount } } } }`, statements: 3 },
  { relation: 'LedgerEntry.account', query: `exchangeAccounts { ledgerEntries(first: $n) { edges { node { account { label } } } } }`, statements: 4 },
];

/** Three deep operations: the figures quoted in the README and the closing note. */
const nested: Case[] = [
  {
    relation: 'items → identifiers, events → item, circuits → members → user, items',
    query: `items(first: $n) { edges { node { dfid identifiers { key } events(first: $n) { edges { node { type item { dfid } } } }
      circuits(first: $n) { edges { node { name members(first: $n) { edges { node { role user { username } } } } items(first: $n) { edges { node { dfid } } } } } } } } }`,
    // key, items, {identifiers, events, circuits}, event.item, {members with their users, circuit.items}:
    // lean reads of one level travel as one statement (db/wire-rows.ts), shown in braces; a member's
    // user comes with the member (LeanTableSpec.embeds); event.item is a full row (Prisma).
    statements: 5,
  },
  {
    relation: 'tradingSessions → trades → position → orders, account; session events',
    query: `tradingSessions(first: $n) { edges { node { sessionKey events(first: $n) { edges { node { type } } }
      trades(first: $n) { edges { node { tradeId position { symbol account { label } orders(first: $n) { edges { node { type status } } } } } } } } } }`,
    // key, sessions with their events and trades (with their positions), {position.account, position.orders}
    statements: 3,
  },
  {
    relation: 'circuits → members → user, items → identifiers, events',
    query: `circuits(first: $n) { edges { node { name members(first: $n) { edges { node { user { username } } } }
      items(first: $n) { edges { node { dfid identifiers { key } events(first: $n) { edges { node { type } } } } } } } } }`,
    // key, circuits with their members (and their users) and items, {item.identifiers, item.events}
    statements: 3,
  },
  {
    relation: 'exchangeAccounts → orders → position → orders; ledgerEntries; orders → account',
    query: `exchangeAccounts { label orders(first: $n) { edges { node { type position { symbol orders(first: $n) { edges { node { status } } } } } } }
      ledgerEntries(first: $n) { totalCount edges { node { kind } } } }
      orders(first: $n) { totalCount edges { node { account { label } } } }`,
    // key, accounts, account.orders, account.ledgerEntries, orders, orders' count, order.position, position.orders, order.account;
    // the two root branches' order.account and position.orders may meet in one statement.
    statements: 9,
    atLeast: 8,
  },
];

const { gw, demo } = demoFixture();

async function statementsAt(selection: string, n: number): Promise<number> {
  const result = await gw.execute(`query Q($n: Int) { ${selection} }`, { n }, demo.key);
  expect(result.errors).toBeUndefined();
  return result.statements;
}

describe.each([...cases, ...nested])('$relation', ({ query, statements, atLeast }) => {
  test(`runs ${atLeast ? `${atLeast} to ` : ''}${statements} statements at first: 2 and at first: 20`, async () => {
    const small = await statementsAt(query, 2);
    const large = await statementsAt(query, 20);
    if (atLeast === undefined) expect({ small, large }).toEqual({ small: statements, large: statements });
    else for (const count of [small, large]) expect(count >= atLeast && count <= statements ? statements : count).toBe(statements);
  });
});

test('a list whose page holds more rows really returns them (the counts above are not of empty pages)', async () => {
  const result = await gw.execute(
    `{ items(first: 20) { edges { node { events(first: 20) { edges { cursor } } } } } circuits(first: 20) { edges { node { items(first: 20) { edges { cursor } } } } } }`,
    {},
    demo.key,
  );
  const events = result.data.items.edges.flatMap((edge: any) => edge.node.events.edges);
  const circuitItems = result.data.circuits.edges.flatMap((edge: any) => edge.node.items.edges);
  expect(result.data.items.edges).toHaveLength(20);
  expect(events.length).toBeGreaterThan(60);
  expect(circuitItems.length).toBeGreaterThan(40);
});

test('ledgerEntries(accountId) runs the key lookup, the account and its page: 3 statements at first: 2 and 20', async () => {
  const account = await gw.db.prisma.exchangeAccount.findFirstOrThrow({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
  const accountId = toGlobalId('ExchangeAccount', account.id);
  const query = `query Q($n: Int, $accountId: ID!) { ledgerEntries(accountId: $accountId, first: $n) { totalCount edges { node { kind account { label } } } } }`;
  const counts = [];
  for (const n of [2, 20]) {
    const result = await gw.execute(query, { n, accountId }, demo.key);
    expect(result.errors).toBeUndefined();
    expect(result.data.ledgerEntries.edges).toHaveLength(Math.min(n, result.data.ledgerEntries.totalCount));
    counts.push(result.statements);
  }
  // LedgerEntry.account finds the account the root field already loaded.
  expect(counts).toEqual([3, 3]);
});

test("the account lists hold more than 2 rows per account (the counts above are not of short lists)", async () => {
  const result = await gw.execute(`{ exchangeAccounts { orders(first: 20) { totalCount } ledgerEntries(first: 20) { totalCount } } }`, {}, demo.key);
  for (const account of result.data.exchangeAccounts) {
    expect(account.orders.totalCount).toBeGreaterThan(2);
    expect(account.ledgerEntries.totalCount).toBeGreaterThan(2);
  }
});

test('every relation named in DESIGN.md has a case', () => {
  const contract = [
    'Item.identifiers', 'Item.events', 'Item.circuits', 'Circuit.members', 'Circuit.items', 'Circuit.owner',
    'TradingSession.trades', 'TradingSession.events', 'Trade.session', 'Trade.position', 'ExchangeAccount.positions',
    'Position.orders', 'Position.account', 'Order.position', 'ExchangeAccount.orders', 'ExchangeAccount.ledgerEntries',
  ];
  const covered = new Set(cases.map((entry) => entry.relation));
  expect(contract.filter((relation) => !covered.has(relation))).toEqual([]);
});

test('a balance summary read runs its version lookup and one statement on a miss (its accounts read along), the lookup and the accounts on a hit', async () => {
  await gw.execute(`mutation { invalidateBalanceCache }`, {}, demo.key);
  const query = `{ balances { fromCache accounts { account { id label exchange createdAt } assets { asset total } } } }`;
  const miss = await gw.execute(query, {}, demo.key);
  const hit = await gw.execute(query, {}, demo.key);
  expect([miss.data.balances.fromCache, hit.data.balances.fromCache]).toEqual([false, true]);
  // key + version + summary (with its accounts' rows) on a miss; key + version + AccountBalance.account on a hit.
  expect([miss.statements, hit.statements]).toEqual([3, 3]);
  // The accounts the summary brought along are the ones a read of their own finds.
  expect(miss.data.balances.accounts.length).toBeGreaterThan(0);
  expect(miss.data.balances.accounts).toEqual(hit.data.balances.accounts);
});
