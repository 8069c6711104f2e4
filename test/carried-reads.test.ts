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
