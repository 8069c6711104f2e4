import { Prisma } from '../src/generated/prisma/client';
import { wireRows } from '../src/db/wire-rows';
import { countStatements } from '../src/db/statement-counter';
import { demoFixture } from './helpers/demo-fixture';
import { ok } from './helpers/responses';

// Wire reads (src/db/wire-rows.ts) asked for in one turn of the event loop share one statement.
// Each read must still get exactly its own rows, in its own order and in the same form as alone,
// and an error must reach only the read that caused it.

const { gw, demo } = demoFixture();
/** One request's reads, as a request's loaders make them (reads of one scope share statements). */
const scope = () => ({ prisma: gw.db.prisma });

const EVENTS = (itemId: number) =>
  Prisma.sql`SELECT e.id, e.type, e.data, trim_scale(1.50)::text AS amount, ARRAY['a', 'b'] AS tags FROM "ItemEvent" e WHERE e."itemId" = ${itemId} ORDER BY e.id DESC`;
const USERS = (ids: number[]) => Prisma.sql`SELECT u.id, u.username FROM "User" u WHERE u.id = ANY(${ids}::int[]) ORDER BY u.id DESC`;

/** Reads run one after the other, each alone in its turn. */
async function alone<T>(statements: Prisma.Sql[]): Promise<T[][]> {
  const results: T[][] = [];
  for (const statement of statements) {
    results.push(await wireRows<T>(scope(), statement));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

test('reads of one turn share one statement and get what each gets alone, in its order and form', async () => {
  const items = await gw.db.prisma.item.findMany({ where: { events: { some: {} } }, select: { id: true }, take: 2, orderBy: { id: 'asc' } });
  expect(items).toHaveLength(2);
  const users = await gw.db.prisma.user.findMany({ select: { id: true }, take: 3 });
  const statements = [EVENTS(items[0]!.id), USERS(users.map((user) => user.id)), EVENTS(items[1]!.id)];

  const separately = await alone(statements);
  const request = scope();
  const { result: together, statements: sent } = await countStatements(() => Promise.all(statements.map((statement) => wireRows(request, statement))));
  expect(sent).toBe(1);
  // Two requests' reads of one turn go separately (PostgreSQL runs them in parallel).
  const { statements: twoRequests } = await countStatements(() => Promise.all(statements.map((statement, index) => wireRows(index === 1 ? scope() : request, statement))));
  expect(twoRequests).toBe(2);
  expect(together).toEqual(separately);
  // JSON stays JSON, arrays stay arrays, text stays text (no number where a decimal's text was).
  const [first] = separately[0] as Array<{ data: unknown; amount: unknown; tags: unknown }>;
  expect(typeof first!.data).toBe('object');
  expect(first!.amount).toBe('1.5');
  expect(first!.tags).toEqual(['a', 'b']);
  const ids = (separately[1] as Array<{ id: number }>).map((user) => user.id);
  expect(ids).toEqual(users.map((user) => user.id).sort((x, y) => y - x));
});

test("one read's error reaches that read only; the others of its turn are answered", async () => {
  const request = scope();
  const results = await Promise.allSettled([
    wireRows(request, Prisma.sql`SELECT 1 AS one`),
    wireRows(request, Prisma.sql`SELECT 1 / ${0}::int AS boom`),
    wireRows(request, Prisma.sql`SELECT 'two' AS two`),
  ]);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((results[0] as PromiseFulfilledResult<unknown>).value).toEqual([{ one: 1 }]);
  expect((results[2] as PromiseFulfilledResult<unknown>).value).toEqual([{ two: 'two' }]);
  expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/division by zero/);
});

test('through the server: a level of lean reads is one statement, and its answer is the one read alone', async () => {
  const query = `{ items(first: 5) { edges { node { dfid owner { username } identifiers { key value } events(first: 3) { edges { node { type data } } } } } } }`;
  const result = await gw.execute(query, {}, demo.key);
  expect(result.errors).toBeUndefined();
  // key, items, {owner, identifiers, events}
  expect(result.statements).toBeLessThanOrEqual(3);
  // The same fields one relation at a time: nothing shares a statement, the answers agree.
  const owners = await ok(gw.execute(`{ items(first: 5) { edges { node { dfid owner { username } } } } }`, {}, demo.key));
  const events = await ok(gw.execute(`{ items(first: 5) { edges { node { dfid events(first: 3) { edges { node { type data } } } } } } }`, {}, demo.key));
  const nodes = result.data.items.edges.map((edge: any) => edge.node);
  expect(nodes.map((node: any) => ({ dfid: node.dfid, owner: node.owner }))).toEqual(owners.items.edges.map((edge: any) => edge.node));
  expect(nodes.map((node: any) => ({ dfid: node.dfid, events: node.events }))).toEqual(events.items.edges.map((edge: any) => edge.node));
});
