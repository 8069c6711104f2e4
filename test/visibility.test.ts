import type { Item } from '../src/generated/prisma/client';
import { demoFixture } from './helpers/demo-fixture';
import { dataOf } from './helpers/responses';
import { visibleItemsOf } from './helpers/visible-items';

// "A user sees the items they stored and the items pushed to circuits they belong to, and the
// circuits they belong to; anything else is not found." Checked for demo against alice's data,
// and for fresh users who share nothing, through item, circuit, node and every list.

const { gw, demo, alice } = demoFixture();
let eveKey: string;

beforeAll(async () => {
  eveKey = await gw.keyFor('vis-eve');
});

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Alice's items demo cannot see. */
async function alicesHiddenItems(): Promise<Item[]> {
  const visible = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
  return (await gw.db.prisma.item.findMany({ where: { ownerId: alice.id }, orderBy: { id: 'asc' } })).filter(
    (item) => !visible.has(item.id),
  );
}

const NODE = `query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on User { username }
    ... on Item { dfid }
    ... on ItemEvent { type item { dfid } }
    ... on Circuit { name viewerRole }
  }
}`;
const ITEM_WITH_IDS = `query($dfid: String!) {
  item(dfid: $dfid) { id dfid events(first: 100) { edges { node { id type } } } }
}`;
const ALL_ITEMS = `query($after: String) {
  items(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id dfid } } }
}`;
const CIRCUITS = `{ circuits(first: 100) { totalCount edges { node { id name } } } }`;

/** Every item in the viewer's `items` list, paging to the end. */
async function listedItems(key: string): Promise<{ id: string; dfid: string }[]> {
  const listed: { id: string; dfid: string }[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const items: any = dataOf(await gw.execute(ALL_ITEMS, { after }, key)).items;
    listed.push(...items.edges.map((edge: any) => edge.node));
    if (!items.pageInfo.hasNextPage) return listed;
    after = items.pageInfo.endCursor;
  }
  throw new Error('items: more than 50 pages');
}

describe("another user's items", () => {
  test('read as null through item(dfid) and node(id), for every one of them', async () => {
    const hidden = await alicesHiddenItems();
    expect(hidden.length).toBeGreaterThan(1);
    for (const item of hidden) {
      const asAlice = dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: item.dfid }, alice.key)).item;
      expect(asAlice.dfid).toBe(item.dfid);
      expect(dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: item.dfid }, demo.key))).toEqual({ item: null });
      expect(dataOf(await gw.execute(NODE, { id: asAlice.id }, demo.key))).toEqual({ node: null });
      expect(dataOf(await gw.execute(NODE, { id: asAlice.id }, alice.key))).toEqual({
        node: { __typename: 'Item', id: asAlice.id, dfid: item.dfid },
      });
    }
  });

  test("never show in the viewer's items list, whose every entry is visible", async () => {
    const hidden = new Set((await alicesHiddenItems()).map((item) => item.dfid));
    const listed = await listedItems(demo.key);
    expect(listed.map((item) => item.dfid)).toEqual((await visibleItemsOf(gw, demo.id)).map((item) => item.dfid));
    expect(listed.filter((item) => hidden.has(item.dfid))).toEqual([]);
  });

  test('never show through filters that would match them', async () => {
    for (const item of await alicesHiddenItems()) {
      const filters = [{ dfidPrefix: item.dfid }, ...item.aliases.map((alias) => ({ alias }))];
      for (const filter of filters) {
        const { items } = dataOf(await gw.execute(`query($f: ItemFilter) { items(filter: $f) { totalCount edges { node { dfid } } } }`, { f: filter }, demo.key));
        expect([filter, items]).toEqual([filter, { totalCount: 0, edges: [] }]);
      }
    }
  });

  test('never show in itemsByIdentifier, even for an identifier a visible item shares', async () => {
    const visible = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.dfid));
    const hidden = await gw.db.prisma.item.findMany({
      where: { id: { in: (await alicesHiddenItems()).map((item) => item.id) } },
      include: { identifiers: true },
    });
    for (const identifier of hidden.flatMap((item) => item.identifiers)) {
      const { itemsByIdentifier } = dataOf(
        await gw.execute(
          `query($k: String!, $v: String!) { itemsByIdentifier(key: $k, value: $v) { dfid } }`,
          { k: identifier.key, v: identifier.value },
          demo.key,
        ),
      );
      for (const { dfid } of itemsByIdentifier) expect([identifier, dfid, visible.has(dfid)]).toEqual([identifier, dfid, true]);
    }
    // The seed's shared lot: one item demo stores, one item of bob's that demo cannot see.
    const rows = await gw.db.prisma.itemIdentifier.findMany({ include: { item: true } });
    const mixed = rows.find(
      (row) => !visible.has(row.item.dfid) && rows.some((other) => other.key === row.key && other.value === row.value && visible.has(other.item.dfid)),
    )!;
    expect(mixed).toBeDefined();
    const { itemsByIdentifier } = dataOf(
      await gw.execute(`query($k: String!, $v: String!) { itemsByIdentifier(key: $k, value: $v) { dfid } }`, { k: mixed.key, v: mixed.value }, demo.key),
    );
    expect(itemsByIdentifier.map((i: any) => i.dfid)).not.toContain(mixed.item.dfid);
    expect(itemsByIdentifier.length).toBeGreaterThan(0);
  });

  test("their events read as null through node(id); a visible item's events do not", async () => {
    const hidden = await alicesHiddenItems();
    let checked = 0;
    for (const item of hidden) {
      const asAlice = dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: item.dfid }, alice.key)).item;
      for (const { node } of asAlice.events.edges) {
        expect(dataOf(await gw.execute(NODE, { id: node.id }, demo.key))).toEqual({ node: null });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);

    const visible = (await visibleItemsOf(gw, demo.id)).find((item) => item.ownerId === alice.id)!;
    const asDemo = dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: visible.dfid }, demo.key)).item;
    const event = asDemo.events.edges[0].node;
    expect(dataOf(await gw.execute(NODE, { id: event.id }, demo.key))).toEqual({
      node: { __typename: 'ItemEvent', id: event.id, type: event.type, item: { dfid: visible.dfid } },
    });
  });
});

describe("another user's circuits", () => {
  /** Alice's circuits (name → global ID, read as alice) that demo is not a member of. */
  async function alicesHiddenCircuits(): Promise<[string, string][]> {
    const demoCircuits = new Set(
      (await gw.db.prisma.circuitMember.findMany({ where: { userId: demo.id }, include: { circuit: true } })).map((m) => m.circuit.name),
    );
    const { circuits } = dataOf(await gw.execute(CIRCUITS, {}, alice.key));
    return circuits.edges.map((edge: any) => [edge.node.name, edge.node.id] as [string, string]).filter(([name]: [string, string]) => !demoCircuits.has(name));
  }

  test('read as null through circuit(id) and node(id)', async () => {
    const hidden = await alicesHiddenCircuits();
    expect(hidden.length).toBeGreaterThan(0);
    for (const [name, id] of hidden) {
      expect(dataOf(await gw.execute(`query($id: ID!) { circuit(id: $id) { name } }`, { id }, demo.key))).toEqual({ circuit: null });
      expect(dataOf(await gw.execute(NODE, { id }, demo.key))).toEqual({ node: null });
      expect(dataOf(await gw.execute(NODE, { id }, alice.key)).node).toEqual({
        __typename: 'Circuit',
        id,
        name,
        viewerRole: expect.any(String),
      });
    }
  });

  test("never show in the viewer's circuits list, nor in Item.circuits of an item they share", async () => {
    // Alice puts an item demo can see into a circuit of hers that demo is not in.
    const shared = (await visibleItemsOf(gw, demo.id)).find((item) => item.ownerId === alice.id)!;
    const soloId = dataOf(await gw.execute(`mutation { createCircuit(input: { name: "Alice solo" }) { id } }`, {}, alice.key)).createCircuit.id;
    dataOf(
      await gw.execute(
        `mutation($c: ID!, $d: String!) { pushItemToCircuit(input: { circuitId: $c, dfid: $d }) { id } }`,
        { c: soloId, d: shared.dfid },
        alice.key,
      ),
    );

    const hiddenIds = new Set((await alicesHiddenCircuits()).map(([, id]) => id));
    expect(hiddenIds.has(soloId)).toBe(true);
    const { circuits } = dataOf(await gw.execute(CIRCUITS, {}, demo.key));
    const demoMemberships = await gw.db.prisma.circuitMember.count({ where: { userId: demo.id } });
    expect(circuits.totalCount).toBe(demoMemberships);
    expect(circuits.edges.filter((edge: any) => hiddenIds.has(edge.node.id))).toEqual([]);

    const ITEM_CIRCUITS = `query($d: String!) { item(dfid: $d) { circuits(first: 100) { totalCount edges { node { id } } } } }`;
    const asDemo = dataOf(await gw.execute(ITEM_CIRCUITS, { d: shared.dfid }, demo.key)).item.circuits;
    expect(asDemo.edges.filter((edge: any) => hiddenIds.has(edge.node.id))).toEqual([]);
    expect(asDemo.totalCount).toBe(asDemo.edges.length);
    const asAlice = dataOf(await gw.execute(ITEM_CIRCUITS, { d: shared.dfid }, alice.key)).item.circuits;
    expect(asAlice.edges.map((edge: any) => edge.node.id)).toContain(soloId);
  });
});

describe('users', () => {
  test("a user who shares no circuit reads as null through node(id), both ways; oneself does not", async () => {
    const eve = dataOf(await gw.execute(`{ viewer { id username } }`, {}, eveKey)).viewer;
    const demoViewer = dataOf(await gw.execute(`{ viewer { id username } }`, {}, demo.key)).viewer;
    expect(dataOf(await gw.execute(NODE, { id: eve.id }, demo.key))).toEqual({ node: null });
    expect(dataOf(await gw.execute(NODE, { id: demoViewer.id }, eveKey))).toEqual({ node: null });
    expect(dataOf(await gw.execute(NODE, { id: eve.id }, eveKey))).toEqual({ node: { __typename: 'User', id: eve.id, username: 'vis-eve' } });
  });

  test('a user who shares a circuit with the viewer is visible through node(id)', async () => {
    const aliceViewer = dataOf(await gw.execute(`{ viewer { id } }`, {}, alice.key)).viewer;
    expect(dataOf(await gw.execute(NODE, { id: aliceViewer.id }, demo.key))).toEqual({ node: { __typename: 'User', id: aliceViewer.id, username: 'alice' } });
  });
});

describe('a user who shares nothing', () => {
  test('sees no items, no circuits and no identifiers of others', async () => {
    const key = await gw.keyFor('vis-nobody');
    const identifier = await gw.db.prisma.itemIdentifier.findFirstOrThrow();
    const result = await gw.execute(
      `query($k: String!, $v: String!) {
        items { totalCount edges { node { dfid } } }
        circuits { totalCount edges { node { name } } }
        itemsByIdentifier(key: $k, value: $v) { dfid }
        item(dfid: "DFID-0001") { dfid }
      }`,
      { k: identifier.key, v: identifier.value },
      key,
    );
    expect(dataOf(result)).toEqual({
      items: { totalCount: 0, edges: [] },
      circuits: { totalCount: 0, edges: [] },
      itemsByIdentifier: [],
      item: null,
    });
  });

  test('sees what is pushed to a circuit they join, and only from then on', async () => {
    const frankKey = await gw.keyFor('vis-frank');
    dataOf(await gw.execute(`mutation { storeItem(input: { dfid: "VIS-FRANK-1", source: "test" }) { dfid } }`, {}, frankKey));
    const frankItem = dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: 'VIS-FRANK-1' }, frankKey)).item;
    const frank = dataOf(await gw.execute(`{ viewer { id } }`, {}, frankKey)).viewer;
    expect(dataOf(await gw.execute(ITEM_WITH_IDS, { dfid: 'VIS-FRANK-1' }, eveKey))).toEqual({ item: null });
    expect(dataOf(await gw.execute(NODE, { id: frankItem.id }, eveKey))).toEqual({ node: null });
    expect(dataOf(await gw.execute(NODE, { id: frank.id }, eveKey))).toEqual({ node: null });

    const circuitId = dataOf(await gw.execute(`mutation { createCircuit(input: { name: "Frank and Eve" }) { id } }`, {}, frankKey)).createCircuit.id;
    expect(dataOf(await gw.execute(NODE, { id: circuitId }, eveKey))).toEqual({ node: null });
    dataOf(
      await gw.execute(
        `mutation($c: ID!) { addCircuitMember(input: { circuitId: $c, username: "vis-eve", role: VIEWER }) { role } }`,
        { c: circuitId },
        frankKey,
      ),
    );
    // A member now: the circuit and its owner are visible, the unpushed item still is not.
    expect(dataOf(await gw.execute(NODE, { id: circuitId }, eveKey))).toEqual({
      node: { __typename: 'Circuit', id: circuitId, name: 'Frank and Eve', viewerRole: 'VIEWER' },
    });
    expect(dataOf(await gw.execute(NODE, { id: frank.id }, eveKey))).toEqual({ node: { __typename: 'User', id: frank.id, username: 'vis-frank' } });
    expect(dataOf(await gw.execute(NODE, { id: frankItem.id }, eveKey))).toEqual({ node: null });

    dataOf(
      await gw.execute(
        `mutation($c: ID!) { pushItemToCircuit(input: { circuitId: $c, dfid: "VIS-FRANK-1" }) { id } }`,
        { c: circuitId },
        frankKey,
      ),
    );
    expect(dataOf(await gw.execute(NODE, { id: frankItem.id }, eveKey))).toEqual({ node: { __typename: 'Item', id: frankItem.id, dfid: 'VIS-FRANK-1' } });
    expect((await listedItems(eveKey)).map((item) => item.dfid)).toEqual(['VIS-FRANK-1']);
  });
});

describe('node(id)', () => {
  test('returns each visible Node type with its __typename and the ID it was asked for', async () => {
    const seen = dataOf(
      await gw.execute(
        `{
          viewer { id username }
          items(first: 1, filter: { dfidPrefix: "DFID-" }) { edges { node { id dfid events(first: 1) { edges { node { id type } } } } } }
          circuits(first: 1) { edges { node { id name viewerRole } } }
        }`,
        {},
        demo.key,
      ),
    );
    const item = seen.items.edges[0].node;
    const event = item.events.edges[0].node;
    const circuit = seen.circuits.edges[0].node;
    const expectations: [string, object][] = [
      [seen.viewer.id, { __typename: 'User', id: seen.viewer.id, username: 'demo' }],
      [item.id, { __typename: 'Item', id: item.id, dfid: item.dfid }],
      [event.id, { __typename: 'ItemEvent', id: event.id, type: event.type, item: { dfid: item.dfid } }],
      [circuit.id, { __typename: 'Circuit', id: circuit.id, name: circuit.name, viewerRole: circuit.viewerRole }],
    ];
    for (const [id, node] of expectations) {
      expect(dataOf(await gw.execute(NODE, { id }, demo.key))).toEqual({ node });
      // The same over HTTP, as a client sends it.
      const overHttp = await gw.http(NODE, { id }, demo.key);
      expect([overHttp.status, overHttp.errors, overHttp.data]).toEqual([200, undefined, { node }]);
    }
  });

  test("an ID's type decides what it fetches: Item:<a circuit's number> is that item or null", async () => {
    const visible = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const circuits = await gw.db.prisma.circuitMember.findMany({ where: { userId: demo.id }, orderBy: { circuitId: 'asc' } });
    let items = 0;
    for (const { circuitId } of circuits) {
      const id = encode(`Item:${circuitId}`);
      const item = await gw.db.prisma.item.findUnique({ where: { id: circuitId } });
      const expected = item && visible.has(item.id) ? { __typename: 'Item', id, dfid: item.dfid } : null;
      if (expected) items++;
      expect(dataOf(await gw.execute(NODE, { id }, demo.key))).toEqual({ node: expected });
    }
    expect(items).toBeGreaterThan(0);
  });

  test('garbage, foreign, non-canonical and unknown IDs read as null without errors', async () => {
    const demoData = dataOf(await gw.execute(`{ viewer { id } items(first: 1) { edges { node { id } } } }`, {}, demo.key));
    const itemId: string = demoData.items.edges[0].node.id;
    const [type, number] = Buffer.from(itemId, 'base64url').toString('utf8').split(':');
    const maxItem = await gw.db.prisma.item.aggregate({ _max: { id: true } });
    const garbage = [
      'garbage',
      '',
      '====',
      '🙂',
      encode('Item'),
      encode('Item:'),
      encode('Item:abc'),
      encode('Item:-1'),
      encode('Item:1.5'),
      encode('Item:99999999999'),
      encode(`Item:${(maxItem._max.id ?? 0) + 1000}`),
      encode('Nope:1'),
      encode('CircuitMember:1'),
      encode('PageInfo:1'),
      encode('Query:1'),
      encode('constructor:1'),
      encode('toString:1'),
      encode('valueOf:1'),
      encode('hasOwnProperty:1'),
      encode('__proto__:1'),
      `${itemId}!!`,
      ` ${itemId}`,
      encode(`${type}:0${number}`),
      encode(`${type?.toLowerCase()}:${number}`),
    ];
    for (const id of garbage) {
      const result = await gw.execute(NODE, { id }, demo.key);
      expect([id, result.errors, result.data]).toEqual([id, undefined, { node: null }]);
    }
    const overHttp = await gw.http(NODE, { id: encode('constructor:1') }, demo.key);
    expect([overHttp.status, overHttp.errors, overHttp.data]).toEqual([200, undefined, { node: null }]);
  });
});
