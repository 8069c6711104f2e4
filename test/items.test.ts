import type { Item } from '../src/generated/prisma/client';
import { demoFixture } from './helpers/demo-fixture';
import { codeOf, dataOf } from './helpers/responses';
import { visibleItemsOf } from './helpers/visible-items';

// Items: reads (item, items, itemsByIdentifier, Item's relations) and writes (storeItem,
// recordItemEvent) against the seeded fixture. Expectations are computed from the rows in the
// database, never from literal ids.

const { gw, demo, alice } = demoFixture();

const cursorOf = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const ITEM_FIELDS = `dfid aliases fingerprint confidenceScore legacyMode createdAt updatedAt owner { username }`;
const itemFields = (item: Item, owner: string) => ({
  dfid: item.dfid,
  aliases: item.aliases,
  fingerprint: item.fingerprint,
  confidenceScore: item.confidenceScore,
  legacyMode: item.legacyMode,
  createdAt: item.createdAt.toISOString(),
  updatedAt: item.updatedAt.toISOString(),
  owner: { username: owner },
});

const ITEM = `query Item($dfid: String!) { item(dfid: $dfid) { ${ITEM_FIELDS} } }`;
const ITEMS = `query Items($first: Int, $after: String, $filter: ItemFilter) {
  items(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { dfid } }
  }
}`;
const STORE = `mutation Store($input: StoreItemInput!) {
  storeItem(input: $input) {
    id dfid aliases fingerprint confidenceScore legacyMode owner { username }
    identifiers { key value }
    sources { source entryRef }
  }
}`;
const RECORD = `mutation Record($input: RecordItemEventInput!) {
  recordItemEvent(input: $input) { type occurredAt source data item { dfid } }
}`;

/** Pages through `items` with `first` and returns every page's data. */
async function allPages(key: string, first: number, filter?: object) {
  const pages: any[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: any = dataOf(await gw.execute(ITEMS, { first, after, filter }, key)).items;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('items: more than 100 pages');
}

describe('item(dfid)', () => {
  test('returns an item the viewer stored, with its stored values', async () => {
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id }, orderBy: { id: 'asc' } });
    const result = await gw.execute(ITEM, { dfid: item.dfid }, demo.key);
    expect(dataOf(result)).toEqual({ item: itemFields(item, 'demo') });
  });

  test("returns another user's item pushed to one of the viewer's circuits", async () => {
    const visible = (await visibleItemsOf(gw, demo.id)).filter((item) => item.ownerId === alice.id);
    expect(visible.length).toBeGreaterThan(0);
    for (const item of visible) {
      expect(dataOf(await gw.execute(ITEM, { dfid: item.dfid }, demo.key))).toEqual({ item: itemFields(item, 'alice') });
    }
  });

  test("reads as null for another user's item the viewer cannot see, and for an unknown dfid", async () => {
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const hidden = (await gw.db.prisma.item.findMany({ where: { ownerId: alice.id } })).filter((item) => !visibleIds.has(item.id));
    expect(hidden.length).toBeGreaterThan(0);
    for (const item of hidden) {
      expect(dataOf(await gw.execute(ITEM, { dfid: item.dfid }, demo.key))).toEqual({ item: null });
    }
    expect(dataOf(await gw.execute(ITEM, { dfid: 'NO-SUCH-DFID' }, demo.key))).toEqual({ item: null });
  });

  test('requires an API key: an anonymous request fails only its root fields', async () => {
    const result = await gw.http(`query($dfid: String!) { __typename item(dfid: $dfid) { dfid } }`, { dfid: 'DFID-0001' });
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ __typename: 'Query', item: null });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });
});

describe('items(first, after, filter)', () => {
  test('the default page holds the 20 newest visible items', async () => {
    const expected = await visibleItemsOf(gw, demo.id);
    expect(expected.length).toBeGreaterThan(20);
    const { items } = dataOf(await gw.execute(ITEMS, {}, demo.key));
    expect(items.totalCount).toBe(expected.length);
    expect(items.edges.map((edge: any) => edge.node.dfid)).toEqual(expected.slice(0, 20).map((item) => item.dfid));
    expect(items.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: items.edges[0].cursor,
      endCursor: items.edges[19].cursor,
    });
  });

  test.each([7, 20, 100])('paging with first: %i yields every visible item exactly once, in order', async (first) => {
    const expected = (await visibleItemsOf(gw, demo.id)).map((item) => item.dfid);
    const pages = await allPages(demo.key, first);
    expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / first)));
    expect(pages.flatMap((page) => page.edges.map((edge: any) => edge.node.dfid))).toEqual(expected);
    for (const page of pages) {
      expect(page.totalCount).toBe(expected.length);
      expect(page.edges.length).toBeLessThanOrEqual(first);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    }
    expect(pages[pages.length - 1].pageInfo.hasNextPage).toBe(false);
  });

  test('first: 0 returns no edges but says whether items exist', async () => {
    const { items } = dataOf(await gw.execute(ITEMS, { first: 0 }, demo.key));
    expect(items.edges).toEqual([]);
    expect(items.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  test.each([101, 1000, -1])('first: %i is BAD_USER_INPUT', async (first) => {
    const result = await gw.execute(ITEMS, { first }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test.each([
    ['not base64 at all', '!!!'],
    ['random text', 'garbage'],
    ['a JSON key of the wrong type', cursorOf('c1:["x"]')],
    ['an id beyond the int range', cursorOf('c1:[99999999999]')],
    ['a fractional id', cursorOf('c1:[1.5]')],
    ['a negative id', cursorOf('c1:[-3]')],
    ['a key of another list (two parts)', cursorOf('c1:["2026-01-01T00:00:00.000Z",5]')],
    ['no version prefix', cursorOf('[5]')],
    ['broken JSON', cursorOf('c1:[5')],
  ])('a malformed after (%s) is BAD_USER_INPUT', async (_, after) => {
    const result = await gw.execute(ITEMS, { first: 5, after }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test('filter.dfidPrefix keeps the visible items whose dfid starts with the text', async () => {
    const expected = (await visibleItemsOf(gw, demo.id)).filter((item) => item.dfid.startsWith('DFID-006')).map((item) => item.dfid);
    expect(expected.length).toBeGreaterThan(1);
    const pages = await allPages(demo.key, 3, { dfidPrefix: 'DFID-006' });
    expect(pages.flatMap((page) => page.edges.map((edge: any) => edge.node.dfid))).toEqual(expected);
    expect(pages[0].totalCount).toBe(expected.length);
  });

  test('filter.dfidPrefix matches LIKE wildcards (_ and %) literally', async () => {
    for (const dfid of ['WILD_1', 'WILDX1', 'WILD%2', 'WILD\\3']) {
      dataOf(await gw.execute(STORE, { input: { dfid, source: 'test' } }, demo.key));
    }
    const dfidsFor = async (dfidPrefix: string) =>
      dataOf(await gw.execute(ITEMS, { filter: { dfidPrefix } }, demo.key)).items.edges.map((edge: any) => edge.node.dfid);
    expect(await dfidsFor('WILD_')).toEqual(['WILD_1']);
    expect(await dfidsFor('WILD%')).toEqual(['WILD%2']);
    expect(await dfidsFor('WILD\\')).toEqual(['WILD\\3']);
    expect(await dfidsFor('DFID-00_1')).toEqual([]);
  });

  test('filter.alias keeps the visible items that have the alias, and never shows a hidden one', async () => {
    const visible = await visibleItemsOf(gw, demo.id);
    const alias = visible.find((item) => item.aliases.length > 0)!.aliases[0]!;
    const expected = visible.filter((item) => item.aliases.includes(alias)).map((item) => item.dfid);
    const { items } = dataOf(await gw.execute(ITEMS, { filter: { alias } }, demo.key));
    expect(items.edges.map((edge: any) => edge.node.dfid)).toEqual(expected);
    expect(items.totalCount).toBe(expected.length);

    const visibleIds = new Set(visible.map((item) => item.id));
    const hidden = (await gw.db.prisma.item.findMany({ orderBy: { id: 'asc' } })).find(
      (item) => !visibleIds.has(item.id) && item.aliases.length > 0,
    )!;
    const hiddenResult = dataOf(await gw.execute(ITEMS, { filter: { alias: hidden.aliases[0] } }, demo.key));
    expect(hiddenResult.items.edges.map((edge: any) => edge.node.dfid)).toEqual(
      visible.filter((item) => item.aliases.includes(hidden.aliases[0]!)).map((item) => item.dfid),
    );
  });

  test.each([true, false])('filter.legacyMode: %s keeps the items in (or not in) legacy mode', async (legacyMode) => {
    const expected = (await visibleItemsOf(gw, demo.id)).filter((item) => item.legacyMode === legacyMode).map((item) => item.dfid);
    expect(expected.length).toBeGreaterThan(0);
    const pages = await allPages(demo.key, 100, { legacyMode });
    expect(pages.flatMap((page) => page.edges.map((edge: any) => edge.node.dfid))).toEqual(expected);
    expect(pages[0].totalCount).toBe(expected.length);
  });

  test('filter.minConfidence keeps the items scored at least that high', async () => {
    const expected = (await visibleItemsOf(gw, demo.id))
      .filter((item) => item.confidenceScore !== null && item.confidenceScore >= 0.9)
      .map((item) => item.dfid);
    expect(expected.length).toBeGreaterThan(0);
    const { items } = dataOf(await gw.execute(ITEMS, { first: 100, filter: { minConfidence: 0.9 } }, demo.key));
    expect(items.edges.map((edge: any) => edge.node.dfid)).toEqual(expected);
    expect(items.totalCount).toBe(expected.length);
  });

  test('filters combine, and paging keeps the filter', async () => {
    const expected = (await visibleItemsOf(gw, demo.id))
      .filter((item) => item.dfid.startsWith('DFID-00') && !item.legacyMode && (item.confidenceScore ?? -1) >= 0.7)
      .map((item) => item.dfid);
    expect(expected.length).toBeGreaterThan(4);
    const pages = await allPages(demo.key, 4, { dfidPrefix: 'DFID-00', legacyMode: false, minConfidence: 0.7 });
    expect(pages.flatMap((page) => page.edges.map((edge: any) => edge.node.dfid))).toEqual(expected);
    expect(pages.every((page) => page.totalCount === expected.length)).toBe(true);
  });

  test('the statements an items page runs do not grow with the page size (no N+1)', async () => {
    const query = `query Deep($first: Int, $filter: ItemFilter) {
      items(first: $first, filter: $filter) {
        totalCount
        edges { node {
          dfid owner { username } identifiers { key } sources { source }
          events(first: 2) { totalCount edges { node { type item { dfid } } } }
          circuits(first: 2) { totalCount edges { node {
            name viewerRole owner { username }
            members(first: 2) { edges { node { role user { username } } } }
            items(first: 2) { edges { node { dfid identifiers { key } } } }
          } } }
        } }
      }
    }`;
    // Seeded items only (dfid DFID-…), so that even the small page reaches every relation.
    const small = await gw.execute(query, { first: 3, filter: { dfidPrefix: 'DFID-' } }, demo.key);
    const large = await gw.execute(query, { first: 60, filter: { dfidPrefix: 'DFID-' } }, demo.key);
    const smallItems = dataOf(small).items.edges.map((edge: any) => edge.node);
    expect(smallItems).toHaveLength(3);
    expect(dataOf(large).items.edges).toHaveLength(60);
    const circuits = smallItems.flatMap((item: any) => item.circuits.edges.map((edge: any) => edge.node));
    expect(smallItems.some((item: any) => item.events.edges.length > 0)).toBe(true);
    expect(circuits.some((circuit: any) => circuit.members.edges.length > 0 && circuit.items.edges.length > 0)).toBe(true);
    // At most one statement per relation in the query (12) plus the API key, the list and its
    // count; a larger page may need fewer, as more of what nested fields ask for is already loaded.
    expect(small.statements).toBeLessThanOrEqual(15);
    expect(large.statements).toBeLessThanOrEqual(small.statements);
  });
});

describe('itemsByIdentifier(key, value)', () => {
  /** Every (key, value) pair that more than one item carries, with those items. */
  async function sharedIdentifiers() {
    const rows = await gw.db.prisma.itemIdentifier.findMany({ include: { item: true } });
    const byPair = new Map<string, { key: string; value: string; items: Item[] }>();
    for (const row of rows) {
      const pair = `${row.key}\u0000${row.value}`;
      const entry = byPair.get(pair) ?? { key: row.key, value: row.value, items: [] };
      entry.items.push(row.item);
      byPair.set(pair, entry);
    }
    return [...byPair.values()].filter((entry) => entry.items.length > 1);
  }
  const QUERY = `query ByIdentifier($key: String!, $value: String!) {
    itemsByIdentifier(key: $key, value: $value) { dfid identifiers { key value } }
  }`;
  const sortedDfids = (items: { dfid: string }[]) => items.map((item) => item.dfid).sort();

  test('returns both items that share a (key, value) when the viewer sees both', async () => {
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const shared = (await sharedIdentifiers()).find(
      (entry) => entry.items.every((item) => visibleIds.has(item.id)) && new Set(entry.items.map((i) => i.ownerId)).size > 1,
    )!;
    expect(shared).toBeDefined();
    const { itemsByIdentifier } = dataOf(await gw.execute(QUERY, { key: shared.key, value: shared.value }, demo.key));
    expect(sortedDfids(itemsByIdentifier)).toEqual(sortedDfids(shared.items));
    for (const item of itemsByIdentifier) expect(item.identifiers).toContainEqual({ key: shared.key, value: shared.value });
  });

  test('leaves out the items the viewer cannot see', async () => {
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const mixed = (await sharedIdentifiers()).find(
      (entry) => entry.items.some((item) => visibleIds.has(item.id)) && entry.items.some((item) => !visibleIds.has(item.id)),
    )!;
    expect(mixed).toBeDefined();
    const { itemsByIdentifier } = dataOf(await gw.execute(QUERY, { key: mixed.key, value: mixed.value }, demo.key));
    expect(sortedDfids(itemsByIdentifier)).toEqual(sortedDfids(mixed.items.filter((item) => visibleIds.has(item.id))));
  });

  test('an unknown pair, or a known value under another key, returns an empty list', async () => {
    const identifier = await gw.db.prisma.itemIdentifier.findFirstOrThrow({ where: { key: 'sku' } });
    expect(dataOf(await gw.execute(QUERY, { key: 'sku', value: 'NO-SUCH-SKU' }, demo.key))).toEqual({ itemsByIdentifier: [] });
    expect(dataOf(await gw.execute(QUERY, { key: 'gtin', value: identifier.value }, demo.key))).toEqual({ itemsByIdentifier: [] });
  });
});

describe("an item's relations", () => {
  test('identifiers, sources and owner match the stored rows', async () => {
    const visible = await visibleItemsOf(gw, demo.id);
    const counts = await gw.db.prisma.itemSource.groupBy({ by: ['itemId'], _count: { _all: true } });
    const withTwoSources = visible.find((item) => counts.some((c) => c.itemId === item.id && c._count._all > 1))!;
    const alices = visible.find((item) => item.ownerId === alice.id)!;
    for (const item of [withTwoSources, alices]) {
      const result = await gw.execute(
        `query($dfid: String!) { item(dfid: $dfid) { owner { username } identifiers { key value } sources { source entryRef receivedAt } } }`,
        { dfid: item.dfid },
        demo.key,
      );
      const identifiers = await gw.db.prisma.itemIdentifier.findMany({ where: { itemId: item.id }, orderBy: { id: 'asc' } });
      const sources = await gw.db.prisma.itemSource.findMany({
        where: { itemId: item.id },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      });
      const owner = await gw.db.prisma.user.findUniqueOrThrow({ where: { id: item.ownerId } });
      expect(dataOf(result)).toEqual({
        item: {
          owner: { username: owner.username },
          identifiers: identifiers.map(({ key, value }) => ({ key, value })),
          sources: sources.map((s) => ({ source: s.source, entryRef: s.entryRef, receivedAt: s.receivedAt.toISOString() })),
        },
      });
    }
    expect(withTwoSources).toBeDefined();
  });

  const EVENTS = `query Events($dfid: String!, $first: Int, $after: String) {
    item(dfid: $dfid) {
      events(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { type occurredAt source data item { dfid } } }
      }
    }
  }`;

  async function allEvents(dfid: string, first: number) {
    const seen: any[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const events: any = dataOf(await gw.execute(EVENTS, { dfid, first, after }, demo.key)).item.events;
      seen.push(...events.edges.map((edge: any) => edge.node));
      if (!events.pageInfo.hasNextPage) return { seen, totalCount: events.totalCount };
      after = events.pageInfo.endCursor;
    }
    throw new Error('events: more than 100 pages');
  }

  test('events page newest first, through every event once, ties broken by id', async () => {
    const dfid = 'EVENTS-TIES';
    dataOf(await gw.execute(STORE, { input: { dfid, source: 'test' } }, demo.key));
    const sameInstant = '2026-02-01T10:00:00.000Z';
    for (const [type, occurredAt] of [
      ['A', sameInstant],
      ['B', sameInstant],
      ['C', '2026-02-02T10:00:00.000Z'],
      ['D', sameInstant],
      ['E', '2026-01-31T10:00:00.000Z'],
    ]) {
      dataOf(await gw.execute(RECORD, { input: { dfid, type, occurredAt, source: 'qa', data: { n: type } } }, demo.key));
    }
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { dfid } });
    const rows = await gw.db.prisma.itemEvent.findMany({ where: { itemId: item.id }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] });
    const expected = rows.map((row) => ({
      type: row.type,
      occurredAt: row.occurredAt.toISOString(),
      source: row.source,
      data: row.data,
      item: { dfid },
    }));
    expect(expected.map((e) => e.type)).toEqual(['C', 'D', 'B', 'A', 'E']);
    for (const first of [1, 2, 20]) {
      expect(await allEvents(dfid, first)).toEqual({ seen: expected, totalCount: 5 });
    }
  });

  test('events of a seeded item: the default page and paging match the stored rows', async () => {
    const counts = await gw.db.prisma.itemEvent.groupBy({ by: ['itemId'], _count: { _all: true }, orderBy: { itemId: 'asc' } });
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const busiest = counts.filter((c) => visibleIds.has(c.itemId)).sort((a, b) => b._count._all - a._count._all)[0]!;
    const item = await gw.db.prisma.item.findUniqueOrThrow({ where: { id: busiest.itemId } });
    const rows = await gw.db.prisma.itemEvent.findMany({ where: { itemId: item.id }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] });
    expect(rows.length).toBeGreaterThan(3);
    const expected = rows.map((row) => ({
      type: row.type,
      occurredAt: row.occurredAt.toISOString(),
      source: row.source,
      data: row.data,
      item: { dfid: item.dfid },
    }));
    const firstPage = dataOf(await gw.execute(EVENTS, { dfid: item.dfid }, demo.key)).item.events;
    expect(firstPage.edges.map((edge: any) => edge.node)).toEqual(expected.slice(0, 20));
    expect(firstPage.totalCount).toBe(rows.length);
    expect(await allEvents(item.dfid, 2)).toEqual({ seen: expected, totalCount: rows.length });
  });

  test.each([
    ['first: 101', { first: 101 }],
    ['an after that is not a cursor', { after: 'garbage' }],
    ['an after whose timestamp is not a date', { after: cursorOf('c1:["notadate",1]') }],
    ['an after of the items list', { after: cursorOf('c1:[5]') }],
  ])('events with %s is BAD_USER_INPUT', async (_, args) => {
    const result = await gw.execute(EVENTS, { dfid: 'DFID-0001', ...args }, demo.key);
    expect(result.data).toEqual({ item: null });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test("circuits lists only the viewer's circuits the item was pushed to, most recently pushed first", async () => {
    // Alice pushes an item demo can see to a circuit of hers that demo is not in.
    const item = (await visibleItemsOf(gw, demo.id)).find((i) => i.ownerId === alice.id)!;
    const created = dataOf(
      await gw.execute(`mutation { createCircuit(input: { name: "Alice only" }) { id } }`, {}, alice.key),
    ).createCircuit;
    dataOf(
      await gw.execute(
        `mutation($c: ID!, $d: String!) { pushItemToCircuit(input: { circuitId: $c, dfid: $d }) { id } }`,
        { c: created.id, d: item.dfid },
        alice.key,
      ),
    );

    const circuitsOf = async (userId: number) => {
      const memberOf = new Set((await gw.db.prisma.circuitMember.findMany({ where: { userId } })).map((m) => m.circuitId));
      const pushes = await gw.db.prisma.circuitItem.findMany({
        where: { itemId: item.id },
        orderBy: [{ pushedAt: 'desc' }, { id: 'desc' }],
        include: { circuit: true },
      });
      return pushes.filter((push) => memberOf.has(push.circuitId)).map((push) => push.circuit.name);
    };
    const QUERY = `query($dfid: String!, $first: Int) {
      item(dfid: $dfid) { circuits(first: $first) { totalCount edges { node { name } } } }
    }`;
    for (const [key, userId] of [
      [demo.key, demo.id],
      [alice.key, alice.id],
    ] as const) {
      const expected = await circuitsOf(userId);
      const { circuits } = dataOf(await gw.execute(QUERY, { dfid: item.dfid, first: 100 }, key)).item;
      expect(circuits.edges.map((edge: any) => edge.node.name)).toEqual(expected);
      expect(circuits.totalCount).toBe(expected.length);
    }
    expect(await circuitsOf(demo.id)).not.toContain('Alice only');
    expect(await circuitsOf(alice.id)).toContain('Alice only');
  });
});

describe('storeItem', () => {
  test('creates an item owned by the viewer and records its source', async () => {
    const input = {
      dfid: 'NEW-0001',
      identifiers: [
        { key: 'sku', value: 'SKU-NEW-1' },
        { key: 'lot', value: 'LOT-NEW-1' },
      ],
      aliases: ['first-name', 'second-name'],
      fingerprint: 'abc123',
      confidenceScore: 0.75,
      legacyMode: true,
      source: 'erp',
      entryRef: 'ERP-1',
    };
    const { storeItem } = dataOf(await gw.execute(STORE, { input }, demo.key));
    expect(storeItem).toEqual({
      id: expect.any(String),
      dfid: 'NEW-0001',
      aliases: ['first-name', 'second-name'],
      fingerprint: 'abc123',
      confidenceScore: 0.75,
      legacyMode: true,
      owner: { username: 'demo' },
      identifiers: input.identifiers,
      sources: [{ source: 'erp', entryRef: 'ERP-1' }],
    });
    const row = await gw.db.prisma.item.findFirstOrThrow({
      where: { dfid: 'NEW-0001' },
      include: { identifiers: true, sources: true },
    });
    expect(row.ownerId).toBe(demo.id);
    expect(row.sources.map((s) => ({ userId: s.userId, source: s.source, entryRef: s.entryRef }))).toEqual([
      { userId: demo.id, source: 'erp', entryRef: 'ERP-1' },
    ]);
    expect(row.identifiers).toHaveLength(2);
  });

  test('merges into an existing item: adds identifiers and aliases once, replaces only the given scalars', async () => {
    const first = {
      dfid: 'MERGE-0001',
      identifiers: [{ key: 'sku', value: 'S-1' }],
      aliases: ['b-alias', 'a-alias'],
      fingerprint: 'fp-1',
      confidenceScore: 0.5,
      legacyMode: true,
      source: 'erp',
      entryRef: 'E-1',
    };
    dataOf(await gw.execute(STORE, { input: first }, demo.key));
    const second = {
      dfid: 'MERGE-0001',
      identifiers: [
        { key: 'sku', value: 'S-1' },
        { key: 'gtin', value: 'G-1' },
        { key: 'gtin', value: 'G-1' },
      ],
      aliases: ['a-alias', 'c-alias', 'c-alias'],
      fingerprint: 'fp-2',
      source: 'scanner',
    };
    const { storeItem } = dataOf(await gw.execute(STORE, { input: second }, demo.key));
    expect(storeItem).toEqual({
      id: expect.any(String),
      dfid: 'MERGE-0001',
      aliases: ['b-alias', 'a-alias', 'c-alias'],
      fingerprint: 'fp-2',
      confidenceScore: 0.5,
      legacyMode: true,
      owner: { username: 'demo' },
      identifiers: [
        { key: 'sku', value: 'S-1' },
        { key: 'gtin', value: 'G-1' },
      ],
      sources: [
        { source: 'scanner', entryRef: null },
        { source: 'erp', entryRef: 'E-1' },
      ],
    });

    // Scalars given as false / 0 are given: they replace.
    const third = { dfid: 'MERGE-0001', source: 'manual', confidenceScore: 0, legacyMode: false };
    const stored = dataOf(await gw.execute(STORE, { input: third }, demo.key)).storeItem;
    expect([stored.fingerprint, stored.confidenceScore, stored.legacyMode, stored.aliases]).toEqual([
      'fp-2',
      0,
      false,
      ['b-alias', 'a-alias', 'c-alias'],
    ]);
    const row = await gw.db.prisma.item.findFirstOrThrow({
      where: { dfid: 'MERGE-0001' },
      include: { identifiers: true, sources: true },
    });
    expect(row.identifiers).toHaveLength(2);
    expect(row.sources.map((s) => s.userId)).toEqual([demo.id, demo.id, demo.id]);
    expect(await gw.db.prisma.item.count({ where: { dfid: 'MERGE-0001' } })).toBe(1);
  });

  test('merges into a seeded item of the viewer and keeps its owner and stored values', async () => {
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id }, orderBy: { id: 'desc' } });
    const before = await gw.db.prisma.itemIdentifier.count({ where: { itemId: item.id } });
    const { storeItem } = dataOf(
      await gw.execute(STORE, { input: { dfid: item.dfid, source: 'partner-api', aliases: ['seeded-extra'] } }, demo.key),
    );
    expect(storeItem.aliases).toEqual([...item.aliases, 'seeded-extra']);
    expect([storeItem.fingerprint, storeItem.confidenceScore, storeItem.legacyMode]).toEqual([
      item.fingerprint,
      item.confidenceScore,
      item.legacyMode,
    ]);
    expect(storeItem.identifiers).toHaveLength(before);
    expect(storeItem.owner).toEqual({ username: 'demo' });
  });

  test('two stores of one item in one operation each answer with the item as it is after their write', async () => {
    const result = await gw.execute(
      `mutation {
        a: storeItem(input: { dfid: "TWICE-1", source: "t", identifiers: [{ key: "k", value: "1" }] }) {
          identifiers { value } sources { source }
        }
        b: storeItem(input: { dfid: "TWICE-1", source: "u", identifiers: [{ key: "k", value: "2" }] }) {
          identifiers { value } sources { source }
        }
      }`,
      {},
      demo.key,
    );
    expect(dataOf(result)).toEqual({
      a: { identifiers: [{ value: '1' }], sources: [{ source: 't' }] },
      b: { identifiers: [{ value: '1' }, { value: '2' }], sources: [{ source: 'u' }, { source: 't' }] },
    });
  });

  test('10 concurrent stores of one new dfid end in one item with every alias and identifier', async () => {
    const dfid = 'RACE-0001';
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        gw.execute(
          `mutation($input: StoreItemInput!) { storeItem(input: $input) { id dfid } }`,
          { input: { dfid, source: `worker-${n}`, aliases: [`alias-${n}`], identifiers: [{ key: 'worker', value: String(n) }] } },
          demo.key,
        ),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    expect(new Set(results.map((result) => result.data.storeItem.id)).size).toBe(1);
    const rows = await gw.db.prisma.item.findMany({ where: { dfid }, include: { identifiers: true, sources: true } });
    expect(rows).toHaveLength(1);
    const [row] = rows as [(typeof rows)[number]];
    expect([...row.aliases].sort()).toEqual(Array.from({ length: 10 }, (_, n) => `alias-${n}`).sort());
    expect(row.identifiers.map((i) => i.value).sort()).toEqual(Array.from({ length: 10 }, (_, n) => String(n)).sort());
    expect(row.sources).toHaveLength(10);
    expect(row.ownerId).toBe(demo.id);
  });

  /** Everything storeItem could change about an item, to check that nothing did. */
  const snapshot = (itemId: number) =>
    gw.db.prisma.item.findFirstOrThrow({
      where: { id: itemId },
      include: { identifiers: { orderBy: { id: 'asc' } }, sources: { orderBy: { id: 'asc' } } },
    });

  test("another user's item the viewer cannot see looks missing: storing its dfid makes the viewer's own item, and the hidden one is unchanged", async () => {
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const hidden = (await gw.db.prisma.item.findMany({ where: { ownerId: alice.id } })).find((item) => !visibleIds.has(item.id))!;
    const before = await snapshot(hidden.id);
    const input = {
      dfid: hidden.dfid,
      source: 'intruder',
      aliases: ['stolen'],
      identifiers: [{ key: 'sku', value: 'X' }],
      fingerprint: 'x',
      confidenceScore: 0.1,
      legacyMode: !hidden.legacyMode,
    };
    const stored = dataOf(await gw.execute(STORE, { input }, demo.key));
    const missing = dataOf(await gw.execute(STORE, { input: { ...input, dfid: `${hidden.dfid}-NEVER-STORED` } }, demo.key));
    // The same answer as for a dfid nobody stored: a new item of the viewer's.
    expect(Object.keys(stored.storeItem).sort()).toEqual(Object.keys(missing.storeItem).sort());
    const own = await gw.db.prisma.item.findFirstOrThrow({ where: { dfid: hidden.dfid, ownerId: demo.id } });
    expect(own.id).not.toBe(hidden.id);
    expect(await snapshot(hidden.id)).toEqual(before);
    const read = dataOf(await gw.execute(ITEM, { dfid: hidden.dfid }, demo.key));
    expect(read.item).not.toBeNull();
    expect(read.item.dfid).toBe(hidden.dfid);
  });


  test('an item the viewer only reads through a circuit where they are VIEWER is FORBIDDEN; a MEMBER may merge', async () => {
    const { itemId, viewerKey, memberKey } = await sharedItemSetup('store');
    const before = await snapshot(itemId);
    const dfid = before.dfid;
    const denied = await gw.execute(STORE, { input: { dfid, source: 'viewer', aliases: ['nope'] } }, viewerKey);
    expect(denied.data).toBeNull();
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(await snapshot(itemId)).toEqual(before);

    const merged = dataOf(await gw.execute(STORE, { input: { dfid, source: 'member', aliases: ['from-member'] } }, memberKey));
    expect(merged.storeItem.aliases).toEqual([...before.aliases, 'from-member']);
    expect(merged.storeItem.owner).toEqual({ username: 'store-owner' });
  });

  test.each([
    ['an empty dfid', { dfid: '' }],
    ['a blank dfid', { dfid: '   ' }],
    ['a dfid of 201 characters', { dfid: 'D'.repeat(201) }],
    ['confidenceScore 2', { confidenceScore: 2 }],
    ['confidenceScore -0.1', { confidenceScore: -0.1 }],
    ['an empty source', { source: '' }],
    ['an identifier with an empty key', { identifiers: [{ key: '', value: 'v' }] }],
    ['an empty alias', { aliases: ['ok', ''] }],
    ['51 aliases', { aliases: Array.from({ length: 51 }, (_, n) => `a${n}`) }],
    ['51 identifiers', { identifiers: Array.from({ length: 51 }, (_, n) => ({ key: 'k', value: String(n) })) }],
  ])('%s is BAD_USER_INPUT and stores nothing', async (_, override) => {
    const counts = async () => [await gw.db.prisma.item.count(), await gw.db.prisma.itemSource.count()];
    const before = await counts();
    const result = await gw.execute(STORE, { input: { dfid: 'BAD-INPUT-1', source: 'test', ...override } }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });
});

/**
 * Fresh users for one scenario: `<prefix>-owner` stores an item and pushes it to a circuit where
 * `<prefix>-viewer` is a VIEWER and `<prefix>-member` a MEMBER.
 */
async function sharedItemSetup(prefix: string) {
  const ownerKey = await gw.keyFor(`${prefix}-owner`);
  const viewerKey = await gw.keyFor(`${prefix}-viewer`);
  const memberKey = await gw.keyFor(`${prefix}-member`);
  const dfid = `${prefix.toUpperCase()}-SHARED-1`;
  dataOf(await gw.execute(STORE, { input: { dfid, source: 'test', aliases: ['owner-alias'] } }, ownerKey));
  const circuitId = dataOf(
    await gw.execute(`mutation($n: String!) { createCircuit(input: { name: $n }) { id } }`, { n: `${prefix} circuit` }, ownerKey),
  ).createCircuit.id;
  for (const [username, role] of [
    [`${prefix}-viewer`, 'VIEWER'],
    [`${prefix}-member`, 'MEMBER'],
  ]) {
    dataOf(
      await gw.execute(
        `mutation($c: ID!, $u: String!, $r: CircuitRole) { addCircuitMember(input: { circuitId: $c, username: $u, role: $r }) { role } }`,
        { c: circuitId, u: username, r: role },
        ownerKey,
      ),
    );
  }
  dataOf(
    await gw.execute(
      `mutation($c: ID!, $d: String!) { pushItemToCircuit(input: { circuitId: $c, dfid: $d }) { id } }`,
      { c: circuitId, d: dfid },
      ownerKey,
    ),
  );
  const itemId = (await gw.db.prisma.item.findFirstOrThrow({ where: { dfid } })).id;
  return { dfid, itemId, ownerKey, viewerKey, memberKey };
}

describe('recordItemEvent', () => {
  test('records an event on an item of the viewer', async () => {
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id }, orderBy: { id: 'asc' } });
    const input = { dfid: item.dfid, type: 'SHIPPED', occurredAt: '2026-03-01T08:00:00.000Z', source: 'erp', data: { to: 'Oslo', n: [1, 2] } };
    const result = await gw.execute(RECORD, { input }, demo.key);
    expect(dataOf(result)).toEqual({
      recordItemEvent: { type: 'SHIPPED', occurredAt: input.occurredAt, source: 'erp', data: input.data, item: { dfid: item.dfid } },
    });
    const rows = await gw.db.prisma.itemEvent.findMany({ where: { itemId: item.id, type: 'SHIPPED', source: 'erp', occurredAt: new Date(input.occurredAt) } });
    expect(rows.map((row) => row.data)).toEqual([input.data]);
  });

  test('occurredAt defaults to now; source and data are optional', async () => {
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id }, orderBy: { id: 'asc' } });
    const startedAt = Date.now();
    const { recordItemEvent } = dataOf(await gw.execute(RECORD, { input: { dfid: item.dfid, type: 'PINGED' } }, demo.key));
    expect([recordItemEvent.type, recordItemEvent.source, recordItemEvent.data]).toEqual(['PINGED', null, null]);
    expect(Math.abs(Date.parse(recordItemEvent.occurredAt) - startedAt)).toBeLessThan(60_000);
  });

  test('an unknown dfid, and an item the viewer cannot see, are NOT_FOUND and record nothing', async () => {
    const visibleIds = new Set((await visibleItemsOf(gw, demo.id)).map((item) => item.id));
    const ownDfids = new Set((await gw.db.prisma.item.findMany({ where: { ownerId: demo.id }, select: { dfid: true } })).map((item) => item.dfid));
    const hidden = (await gw.db.prisma.item.findMany({ where: { ownerId: alice.id } })).find((item) => !visibleIds.has(item.id) && !ownDfids.has(item.dfid))!;
    const before = await gw.db.prisma.itemEvent.count();
    for (const dfid of ['NO-SUCH-DFID', hidden.dfid]) {
      const result = await gw.execute(RECORD, { input: { dfid, type: 'SHIPPED' } }, demo.key);
      expect(result.data).toBeNull();
      expect(codeOf(result)).toBe('NOT_FOUND');
    }
    expect(await gw.db.prisma.itemEvent.count()).toBe(before);
  });

  test('a VIEWER of the only circuit the item is in is FORBIDDEN; a MEMBER may record', async () => {
    const { dfid, itemId, viewerKey, memberKey } = await sharedItemSetup('event');
    expect(dataOf(await gw.execute(ITEM, { dfid }, viewerKey)).item.dfid).toBe(dfid);
    const denied = await gw.execute(RECORD, { input: { dfid, type: 'TAMPERED' } }, viewerKey);
    expect(denied.data).toBeNull();
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(await gw.db.prisma.itemEvent.count({ where: { itemId } })).toBe(0);

    const recorded = dataOf(await gw.execute(RECORD, { input: { dfid, type: 'INSPECTED' } }, memberKey));
    expect(recorded.recordItemEvent.item).toEqual({ dfid });
    expect(await gw.db.prisma.itemEvent.count({ where: { itemId } })).toBe(1);
  });

  test('an empty type is BAD_USER_INPUT', async () => {
    const result = await gw.execute(RECORD, { input: { dfid: 'DFID-0001', type: ' ' } }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test('events recorded in one operation each see the events before them', async () => {
    const item = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id }, orderBy: { id: 'asc' } });
    const before = await gw.db.prisma.itemEvent.count({ where: { itemId: item.id } });
    const result = await gw.execute(
      `mutation($d: String!) {
        a: recordItemEvent(input: { dfid: $d, type: "ONE" }) { item { events(first: 1) { totalCount } } }
        b: recordItemEvent(input: { dfid: $d, type: "TWO" }) { item { events(first: 1) { totalCount } } }
      }`,
      { d: item.dfid },
      demo.key,
    );
    expect(dataOf(result)).toEqual({
      a: { item: { events: { totalCount: before + 1 } } },
      b: { item: { events: { totalCount: before + 2 } } },
    });
  });
});
