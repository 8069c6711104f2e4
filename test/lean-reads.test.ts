import { leanTable, unionOfColumns } from '../src/db/lean-table';
import { parseGlobalId } from '../src/graphql/global-id';
import { demoFixture } from './helpers/demo-fixture';
import { ok } from './helpers/responses';

// Lean reads (src/db/lean-table.ts): loaders select only the columns a selection needs, decimals
// and instants as PostgreSQL's text. These tests hold them to the full rows' answers, and to the
// statement counts of one read per level whatever mix of selections a level holds.

const { gw, demo } = demoFixture();
const fromGlobalId = (id: string) => parseGlobalId(id)!.id;

const TRADES_WITH_POSITIONS = `query Q($n: Int) { trades(first: $n, filter: { isPaper: true }) { edges { node {
  id volume entryPrice pnl executedAt
  position { id quantity entryPrice realizedPnl openedAt closedAt
    orders(first: $n) { pageInfo { endCursor } edges { cursor node { id price quantity createdAt filledAt } } } }
} } } }`;

test('lean trades, positions and orders answer what their Prisma rows say, to the digit', async () => {
  const data = await ok(gw.execute(TRADES_WITH_POSITIONS, { n: 10 }, demo.key));
  const trades = data.trades.edges.map((edge: any) => edge.node);
  const withPosition = trades.filter((trade: any) => trade.position);
  expect(withPosition.length).toBeGreaterThan(0);
  for (const trade of trades) {
    const row = await gw.db.prisma.trade.findUniqueOrThrow({ where: { id: fromGlobalId(trade.id) } });
    expect(trade).toMatchObject({
      volume: row.volume.toFixed(),
      entryPrice: row.entryPrice?.toFixed() ?? null,
      pnl: row.pnl?.toFixed() ?? null,
      executedAt: row.executedAt.toISOString(),
    });
  }
  for (const { position } of withPosition) {
    const row = await gw.db.prisma.position.findUniqueOrThrow({ where: { id: fromGlobalId(position.id) }, include: { orders: { orderBy: { id: 'asc' }, take: 10 } } });
    expect(position).toMatchObject({
      quantity: row.quantity.toFixed(),
      entryPrice: row.entryPrice.toFixed(),
      realizedPnl: row.realizedPnl?.toFixed() ?? null,
      openedAt: row.openedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
    });
    const orders = position.orders.edges.map((edge: any) => edge.node);
    expect(orders).toEqual(
      row.orders.map((order) => ({
        id: expect.any(String),
        price: order.price?.toFixed() ?? null,
        quantity: order.quantity.toFixed(),
        createdAt: order.createdAt.toISOString(),
        filledAt: order.filledAt?.toISOString() ?? null,
      })),
    );
    // Cursors are made on demand, from the row's own sort key: the last edge's is the page's end.
    const edges = position.orders.edges;
    if (edges.length) expect(edges[edges.length - 1].cursor).toBe(position.orders.pageInfo.endCursor);
  }
});

test('a lean read and the full row of one position (node) agree, and share one statement', async () => {
  const { trades } = await ok(gw.execute(`{ trades(first: 20, filter: { isPaper: true }) { edges { node { position { id } } } } }`, {}, demo.key));
  const id = trades.edges.map((edge: any) => edge.node.position?.id).find(Boolean);
  const query = `query Q($id: ID!) {
    lean: position(id: $id) { symbol quantity entryPrice openedAt }
    full: node(id: $id) { ... on Position { symbol quantity entryPrice openedAt } } }`;
  const result = await gw.execute(query, { id }, demo.key);
  expect(result.errors).toBeUndefined();
  expect(result.data.lean).toEqual(result.data.full);
  // The API key, then one read of the position serving both fields.
  expect(result.statements).toBe(2);
});

test('fields of one level with different selections are read in one statement, each getting its columns', async () => {
  // Positions' pages carry nothing: their orders are a level of their own, read by one loader batch.
  const query = `query Q($n: Int) { positions(first: $n) { edges { node {
    a: orders(first: $n) { edges { node { id quantity } } }
    b: orders(first: $n) { edges { node { id price createdAt } } } } } } }`;
  for (const n of [2, 10]) {
    const result = await gw.execute(query, { n }, demo.key);
    expect(result.errors).toBeUndefined();
    // key, positions, both orders fields together
    expect(result.statements).toBe(3);
    const nodes = result.data.positions.edges.map((edge: any) => edge.node);
    expect(nodes.some((node: any) => node.a.edges.length > 0)).toBe(true);
    for (const node of nodes) {
      expect(node.a.edges.map((edge: any) => edge.node.id)).toEqual(node.b.edges.map((edge: any) => edge.node.id));
      for (const edge of node.a.edges) expect(edge.node.quantity).toMatch(/^\d/);
      for (const edge of node.b.edges) expect(edge.node.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  }
});

test('a sessions page carries both aliases of its trades, each with its own columns', async () => {
  const query = `query Q($n: Int) { tradingSessions(first: $n) { edges { node {
    a: trades(first: $n) { edges { node { id volume } } }
    b: trades(first: $n) { edges { node { id pnl executedAt } } } } } } }`;
  for (const n of [2, 10]) {
    const result = await gw.execute(query, { n }, demo.key);
    expect(result.errors).toBeUndefined();
    // key, then the sessions with both trades lists
    expect(result.statements).toBe(2);
    for (const { node } of result.data.tradingSessions.edges) {
      expect(node.a.edges.map((edge: any) => edge.node.id)).toEqual(node.b.edges.map((edge: any) => edge.node.id));
      for (const edge of node.a.edges) expect(edge.node.volume).toMatch(/^\d/);
      for (const edge of node.b.edges) expect(edge.node.executedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  }
});

describe('embedded to-one relations (LeanTableSpec.embeds)', () => {
  const users = leanTable({ alias: 'u', columns: { id: 'plain', username: 'plain', createdAt: 'timestamp' }, fields: {} });
  const members = leanTable({
    alias: 'm',
    columns: { id: 'plain', userId: 'plain' },
    fields: { user: ['userId'] },
    embeds: { user: { table: users, from: `"User" u WHERE u.id = m."userId"` } },
  });
  const nested = (byField: Record<string, string[]>) => (field: string) => new Set(byField[field] ?? []);

  test('a lean selection of the relation is carried along; one its table cannot serve falls back to the key', () => {
    expect(members.columnsFor(new Set(['user']), nested({ user: ['username'] }))).toEqual(new Set(['id', 'user{id,username}']));
    expect(members.columnsFor(new Set(['user']), nested({ user: ['username', 'secret'] }))).toEqual(new Set(['id', 'userId']));
    // Without the nested selection (a caller that does not know it), the key as before.
    expect(members.columnsFor(new Set(['user']))).toEqual(new Set(['id', 'userId']));
  });

  test("a batch's different selections of one relation become one subquery with their union", () => {
    const union = unionOfColumns([
      members.columnsFor(new Set(['user']), nested({ user: ['username'] })),
      members.columnsFor(new Set(['user']), nested({ user: ['createdAt'] })),
    ]);
    const sql = members.select(union).text;
    expect(sql.match(/SELECT json_build_object/g)).toHaveLength(1);
    expect(sql).toContain(`(SELECT json_build_object('createdAt', to_char(u."createdAt"`);
    expect(sql).toContain(`'id', u."id", 'username', u."username") FROM "User" u WHERE u.id = m."userId") AS "user"`);
  });

  test('through the API: circuit members and owners come with their rows and answer what the tables say', async () => {
    const result = await gw.execute(
      `{ circuits(first: 5) { edges { node { owner { id username } members(first: 5) { edges { node { user { id username } } } } } } } }`,
      {},
      demo.key,
    );
    // key, circuits with owners and members with users (the members carried with the page).
    expect(result.statements).toBe(2);
    const circuits = result.data.circuits.edges.map((edge: any) => edge.node);
    expect(circuits.length).toBeGreaterThan(1);
    for (const circuit of circuits) {
      const owner = await gw.db.prisma.user.findUniqueOrThrow({ where: { id: fromGlobalId(circuit.owner.id) } });
      expect(circuit.owner.username).toBe(owner.username);
      for (const { node } of circuit.members.edges) {
        const user = await gw.db.prisma.user.findUniqueOrThrow({ where: { id: fromGlobalId(node.user.id) } });
        expect(node.user.username).toBe(user.username);
      }
    }
  });
});

// A child page reads its rows' sort keys only when a cursor is selected (an edge's, or pageInfo's
// start or end, in a fragment or not), and counts only when totalCount is: every combination
// answers the same nodes, and the cursors it answers page on correctly.
test('a child page without cursors or count answers the same nodes; with them, cursors page on', async () => {
  const { items } = await ok(gw.execute(`{ items(first: 20) { edges { node { id events(first: 50) { totalCount } } } } }`, {}, demo.key));
  const item = items.edges.map((edge: any) => edge.node).sort((a: any, b: any) => b.events.totalCount - a.events.totalCount)[0];
  expect(item.events.totalCount).toBeGreaterThan(2);
  const eventsOf = async (selection: string, variables: Record<string, unknown> = {}, fragments = '') =>
    (await ok(gw.execute(`query Q($id: ID!, $after: String) { node(id: $id) { ... on Item { events(first: 2, after: $after) { ${selection} } } } } ${fragments}`, { id: item.id, ...variables }, demo.key))).node.events;
  const bare = await eventsOf('edges { node { id type } }');
  const counted = await eventsOf('totalCount edges { node { id type } }');
  const withCursors = await eventsOf('pageInfo { hasNextPage endCursor } edges { cursor node { id type } }');
  const viaFragments = await eventsOf('...Page', {}, 'fragment Page on ItemEventConnection { pageInfo { ...Info } edges { node { id type } } } fragment Info on PageInfo { endCursor }');
  expect(counted.edges).toEqual(bare.edges);
  expect(counted.totalCount).toBe(item.events.totalCount);
  expect(withCursors.edges.map((edge: any) => edge.node)).toEqual(bare.edges.map((edge: any) => edge.node));
  expect(withCursors.pageInfo.hasNextPage).toBe(true);
  expect(withCursors.edges[1].cursor).toBe(withCursors.pageInfo.endCursor);
  expect(viaFragments.pageInfo.endCursor).toBe(withCursors.pageInfo.endCursor);
  // The next page starts after the last edge: no overlap, and the next event in order.
  const next = await eventsOf('edges { node { id } }', { after: withCursors.pageInfo.endCursor });
  const all = await eventsOf('edges { node { id } }');
  expect(next.edges[0].node.id).not.toBe(all.edges[1].node.id);
  const firstThree = (await ok(gw.execute(`query Q($id: ID!) { node(id: $id) { ... on Item { events(first: 3) { edges { node { id } } } } } }`, { id: item.id }, demo.key))).node.events.edges;
  expect(next.edges[0].node.id).toBe(firstThree[2].node.id);
});
