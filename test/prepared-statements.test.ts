// Prepared statements (DATABASE_PREPARED_STATEMENTS): a statement text PostgreSQL sees twice is
// kept parsed and planned (a generic plan) on the connection; at most N texts ever are.
import { openDatabase, type Database } from '../src/db/database';
import { preparedStatementNames } from '../src/db/prepared-statements';
import { openTestDatabase, usingPostgres, type TestDatabase } from './helpers/test-database';

describe('preparedStatementNames', () => {
  test('names a text from its second use, the same name every time after', () => {
    const nameOf = preparedStatementNames(10);
    expect(nameOf({ sql: 'SELECT 1' })).toBeUndefined();
    const name = nameOf({ sql: 'SELECT 1' });
    expect(name).toMatch(/^gw_\d+$/);
    expect(nameOf({ sql: 'SELECT 1' })).toBe(name);
    expect(nameOf({ sql: 'SELECT 2' })).toBeUndefined();
    expect(nameOf({ sql: 'SELECT 2' })).not.toBe(name);
  });

  test('names at most `max` texts: later texts run unnamed, named ones keep their names', () => {
    const nameOf = preparedStatementNames(2);
    const named = ['a', 'b'].map((sql) => (nameOf({ sql }), nameOf({ sql })));
    expect(new Set(named).size).toBe(2);
    for (let round = 0; round < 3; round++) expect(nameOf({ sql: 'c' })).toBeUndefined();
    expect(['a', 'b'].map((sql) => nameOf({ sql }))).toEqual(named);
  });

  test('texts seen once are forgotten in bulk, so a flood of one-off texts holds little memory', () => {
    const nameOf = preparedStatementNames(1);
    for (let i = 0; i < 1000; i++) expect(nameOf({ sql: `one-off ${i}` })).toBeUndefined();
    // The set of once-seen texts was reset along the way: the hot text still gets its name.
    expect([nameOf({ sql: 'hot' }), nameOf({ sql: 'hot' })][1]).toMatch(/^gw_/);
  });
});

(usingPostgres ? describe : describe.skip)('on PostgreSQL', () => {
  let template: TestDatabase;
  const opened: Database[] = [];
  beforeAll(async () => {
    template = await openTestDatabase();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await template.close();
  });

  /** The statements prepared on the one connection of a fresh pool, after three identical reads. */
  async function preparedAfterThreeReads(preparedStatements?: number) {
    const db = await openDatabase({ url: template.location.url!, poolMax: 1, preparedStatements });
    opened.push(db);
    for (let i = 0; i < 3; i++) await db.prisma.user.findFirst({ where: { username: 'nobody-by-this-name' } });
    const prepared = await db.prisma.$queryRaw<Array<{ statement: string; generic_plans: bigint }>>`
      SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE '%"User"%'`;
    const [setting] = await db.prisma.$queryRaw<Array<{ plan_cache_mode: string }>>`SHOW plan_cache_mode`;
    return { prepared, mode: setting!.plan_cache_mode };
  }

  test('by default a repeated statement is prepared once and then runs its generic plan', async () => {
    const { prepared, mode } = await preparedAfterThreeReads();
    expect(mode).toBe('force_generic_plan');
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.statement).toContain('FROM "public"."User"');
    // Its second and third runs used the plan made once (the first run was unnamed).
    expect(Number(prepared[0]!.generic_plans)).toBe(2);
  });

  test('DATABASE_PREPARED_STATEMENTS=0 prepares nothing and leaves planning as PostgreSQL defaults it', async () => {
    const { prepared, mode } = await preparedAfterThreeReads(0);
    expect(prepared).toEqual([]);
    expect(mode).toBe('auto');
  });
});
