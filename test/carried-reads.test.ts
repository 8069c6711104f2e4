import { toGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { dataOf } from './helpers/responses';
import { visibleItemsOf } from './helpers/visible-items';

// item(dfid) reads the item and the lists its selection asks for in one statement
// (graphql/carried-reads.ts). The same selection through node(id) takes the batched path, one
// statement per list: the two answers must be the same, error paths included.

const { gw, demo, alice } = demoFixture();

const LISTS = `
  dfid owner { username }
  ...Keys
  sources { source entryRef receivedAt }
  events(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { type occurredAt data } } }
  newest: events(first: 1) { edges { node { id type } } }
  circuits(first: 5) { totalCount edges { node { name } } }`;
const KEYS = `fragment Keys on Item { identifiers { key value } }`;
const BY_DFID = `query($dfid: String!, $first: Int, $after: String) { item(dfid: $dfid) { ${LISTS} } } ${KEYS}`;
const BY_NODE = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Item { ${LISTS} } } } ${KEYS}`;

/** A visible item with several events, identifiers, and a circuit the viewer is in. */
async function busyItem() {
  const prisma = gw.db.prisma;
  const visible = await visibleItemsOf(gw, demo.id);
  const memberOf = new Set((await prisma.circuitMember.findMany({ where: { userId: demo.id } })).map((m) => m.circuitId));
  const pushed = new Set((await prisma.circuitItem.findMany({ where: { circuitId: { in: [...memberOf] } } })).map((p) => p.itemId));
  const events = await prisma.itemEvent.groupBy({ by: ['itemId'], _count: { _all: true } });
  const eventCount = new Map(events.map((e) => [e.itemId, e._count._all]));
  const item = visible
    .filter((candidate) => pushed.has(candidate.id) && (eventCount.get(candidate.id) ?? 0) > 2)
    .sort((a, b) => eventCount.get(b.id)! - eventCount.get(a.id)!)[0]!;
  expect(item).toBeDefined();
  return item;
}

test('item(dfid) with its lists answers as node(id) does, in one statement after the key lookup', async () => {
  const item = await busyItem();
  const id = toGlobalId('Item', item.id);
  let after: string | null = null;
  for (let pageNo = 0; pageNo < 3; pageNo++) {
    const variables: { first: number; after: string | null } = { first: 2, after };
    const byDfid = await gw.execute(BY_DFID, { dfid: item.dfid, ...variables }, demo.key);
    const byNode = await gw.execute(BY_NODE, { id, ...variables }, demo.key);
    expect(byDfid.errors).toBeUndefined();
    expect(dataOf(byDfid).item).toEqual(dataOf(byNode).node);
    // The key, then the item with its identifiers, sources, both events pages and circuits;
    // through node(id), the item and then its lists (sent together).
    expect(byDfid.statements).toBe(2);
    expect(byNode.statements).toBe(3);
    after = dataOf(byDfid).item.events.pageInfo.endCursor;
  }
  const answer = dataOf(await gw.execute(BY_DFID, { dfid: item.dfid, first: 2 }, demo.key)).item;
  expect(answer.identifiers.length).toBeGreaterThan(0);
  expect(answer.events.totalCount).toBeGreaterThan(2);
  expect(answer.circuits.totalCount).toBeGreaterThan(0);
});

test("a list's invalid arguments fail at that list's path, as on the batched path", async () => {
  const item = await busyItem();
  for (const variables of [{ after: 'garbage' }, { first: 101 }]) {
    const byDfid = await gw.execute(BY_DFID, { dfid: item.dfid, ...variables }, demo.key);
    const byNode = await gw.execute(BY_NODE, { id: toGlobalId('Item', item.id), ...variables }, demo.key);
    expect(byDfid.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [['item', 'events'], 'BAD_USER_INPUT', byNode.errors?.[0]?.message],
    ]);
    expect(byDfid.data).toEqual({ item: null });
    expect(byNode.errors?.[0]?.path).toEqual(['node', 'events']);
  }
});

test('two items with different selections in one document share one round trip', async () => {
  const [first, second] = (await visibleItemsOf(gw, demo.id)).slice(0, 2);
  const result = await gw.execute(
    `query($a: String!, $b: String!) {
      a: item(dfid: $a) { dfid identifiers { key } }
      b: item(dfid: $b) { dfid events(first: 1) { totalCount } }
      again: item(dfid: $a) { dfid }
    }`,
    { a: first!.dfid, b: second!.dfid },
    demo.key,
  );
  expect(result.errors).toBeUndefined();
  const events = await gw.db.prisma.itemEvent.count({ where: { itemId: second!.id } });
  const identifiers = await gw.db.prisma.itemIdentifier.findMany({ where: { itemId: first!.id }, orderBy: { id: 'asc' } });
  expect(dataOf(result)).toEqual({
    a: { dfid: first!.dfid, identifiers: identifiers.map(({ key }) => ({ key })) },
    b: { dfid: second!.dfid, events: { totalCount: events } },
    again: { dfid: first!.dfid },
  });
  expect(result.statements).toBe(2);
});

test("a document's read plan is the viewer's own and serves any dfid", async () => {
  // The plan (the statement with its visibility rule and the circuits list's membership test)
  // is made once per field and viewer: another viewer, or another dfid, must not get its answer.
  const demoItems = await visibleItemsOf(gw, demo.id);
  const aliceDfids = new Set((await visibleItemsOf(gw, alice.id)).map((item) => item.dfid));
  const hidden = demoItems.filter((item) => !aliceDfids.has(item.dfid));
  expect(hidden.length).toBeGreaterThan(1);
  for (const item of hidden.slice(0, 2)) {
    const byDfid = await gw.execute(BY_DFID, { dfid: item.dfid, first: 2 }, demo.key);
    const byNode = await gw.execute(BY_NODE, { id: toGlobalId('Item', item.id), first: 2 }, demo.key);
    expect(byDfid.errors).toBeUndefined();
    expect(dataOf(byDfid).item).toEqual(dataOf(byNode).node);
    expect(dataOf(byDfid).item.dfid).toBe(item.dfid);
    // The same document for alice: the item is not hers to see.
    const asAlice = await gw.execute(BY_DFID, { dfid: item.dfid, first: 2 }, alice.key);
    expect(asAlice.errors).toBeUndefined();
    expect(dataOf(asAlice)).toEqual({ item: null });
  }
});

const CIRCUIT_LISTS = `
  name
  members(first: $m) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role joinedAt user { username } } } }
  latest: items(first: 1) { edges { node { dfid } } }
  items(first: $m, after: $after) { totalCount edges { cursor node { dfid identifiers { key } } } }`;

test('a circuits page carries its nodes\' members and items, answering as node(id) does for each circuit', async () => {
  const page = `query($m: Int, $after: String) { circuits(first: 10) { edges { node { id ${CIRCUIT_LISTS} } } } }`;
  const one = `query($id: ID!, $m: Int, $after: String) { node(id: $id) { ... on Circuit { id ${CIRCUIT_LISTS} } } }`;
  for (const variables of [{ m: 2 }, { m: 1 }, { m: 3, after: null }]) {
    const result = await gw.execute(page, variables, demo.key);
    expect(result.errors).toBeUndefined();
    // The key, then the page with every circuit's members (their users) and both items lists;
    // the items' identifiers are the next level.
    expect(result.statements).toBe(3);
    const nodes = dataOf(result).circuits.edges.map((edge: { node: { id: string } }) => edge.node);
    expect(nodes.length).toBeGreaterThan(1);
    for (const node of nodes) expect(node).toEqual(dataOf(await gw.execute(one, { id: node.id, ...variables }, demo.key)).node);
  }
  // An invalid page argument fails at its list's path for every circuit, as on the batched path.
  const bad = await gw.execute(page, { m: 101 }, demo.key);
  expect(bad.errors?.length).toBeGreaterThan(0);
  for (const error of bad.errors ?? []) {
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.path?.slice(0, 4)).toEqual(['circuits', 'edges', 0, 'node']);
    expect(['members', 'items']).toContain(error.path?.[4]);
  }
});

test('one circuit under two edge aliases gets each selection its own lists', async () => {
  const result = await gw.execute(
    `{ circuits(first: 5) { a: edges { node { members(first: 1) { edges { node { role } } } } }
                            b: edges { node { members(first: 3) { edges { node { role } } } } } } }`,
    {},
    demo.key,
  );
  expect(result.errors).toBeUndefined();
  const { a, b } = dataOf(result).circuits;
  const counts = await gw.db.prisma.circuitMember.groupBy({ by: ['circuitId'], _count: { _all: true } });
  expect(a.every((edge: { node: { members: { edges: unknown[] } } }) => edge.node.members.edges.length <= 1)).toBe(true);
  expect(b.some((edge: { node: { members: { edges: unknown[] } } }) => edge.node.members.edges.length > 1)).toBe(counts.some((c) => c._count._all > 1));
});

test("a sessions page carries its nodes' trades (with their positions) and events, answering as node(id) does", async () => {
  const lists = `sessionKey
    trades(first: $m) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { tradeId volume pnl executedAt position { symbol quantity } } } }
    events(first: $m) { edges { node { type } } }`;
  const page = `query($m: Int) { tradingSessions(first: 5) { edges { node { id ${lists} } } } }`;
  const one = `query($id: ID!, $m: Int) { node(id: $id) { ... on TradingSession { id ${lists} } } }`;
  for (const m of [1, 3]) {
    const result = await gw.execute(page, { m }, demo.key);
    expect(result.errors).toBeUndefined();
    // The key, then the sessions with their trades (each with its position) and events.
    expect(result.statements).toBe(2);
    const nodes = dataOf(result).tradingSessions.edges.map((edge: { node: { id: string; trades: { edges: unknown[] } } }) => edge.node);
    expect(nodes.some((node: { trades: { edges: unknown[] } }) => node.trades.edges.length > 0)).toBe(true);
    for (const node of nodes) expect(node).toEqual(dataOf(await gw.execute(one, { id: node.id, m }, demo.key)).node);
  }
});
