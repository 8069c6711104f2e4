import { createHash } from 'node:crypto';
import { generateApiKey, viewerForApiKey } from '../src/auth/api-keys';
import { openDatabase } from '../src/db/database';
import { toGlobalId } from '../src/graphql/global-id';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// Authentication over HTTP: API keys in `Authorization: Bearer <key>`, stored as SHA-256 only,
// with lastUsedAt written at most once a minute per key.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

/** POST /graphql with exactly the Authorization header given (none when undefined). */
async function post(query: string, authorization?: string) {
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, ...body };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const apiKeyRow = (key: string) => gw.db.prisma.apiKey.findUniqueOrThrow({ where: { hash: sha256(key) } });

/** A key for a fresh user, so tests do not share lastUsedAt or revocation state. */
let users = 0;
async function freshKey(): Promise<{ key: string; username: string }> {
  const username = `auth_user_${++users}`;
  return { key: await gw.keyFor(username), username };
}

describe('anonymous requests', () => {
  test('viewer without an Authorization header is UNAUTHENTICATED (HTTP 200, data null)', async () => {
    const r = await post('{ viewer { username } }');
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(r.errors![0]!.message).toMatch(/Authorization: Bearer/);
  });

  test('{ __typename } works without credentials', async () => {
    const r = await post('{ __typename }');
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ __typename: 'Query' });
  });

  test('a blank Authorization header counts as no header', async () => {
    const r = await post('{ __typename }', '   ');
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ __typename: 'Query' });
  });
});

describe('rejected credentials: HTTP 401, UNAUTHENTICATED, no data', () => {
  const expectRejected = (r: Awaited<ReturnType<typeof post>>) => {
    expect(r.status).toBe(401);
    expect(r.data).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  };

  test('an unknown key', async () => {
    expectRejected(await post('{ viewer { username } }', `Bearer ${generateApiKey().key}`));
  });

  test('a token that is not even shaped like a key', async () => {
    expectRejected(await post('{ viewer { username } }', 'Bearer tg_this-key-was-never-issued'));
  });

  test('an unknown key is rejected even for an anonymous-safe query', async () => {
    expectRejected(await post('{ __typename }', 'Bearer tg_this-key-was-never-issued'));
  });

  test.each([
    ['Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer'],
    ['two tokens', 'Bearer one two'],
    ['the key alone, no scheme', 'tg_abcdef'],
  ])('a malformed header (%s)', async (_, header) => {
    expectRejected(await post('{ viewer { username } }', header));
  });

  test('a malformed header around a valid key is still rejected', async () => {
    const { key } = await freshKey();
    expectRejected(await post('{ viewer { username } }', `Basic ${key}`));
    expectRejected(await post('{ viewer { username } }', `Bearer ${key} extra`));
  });

  test('a revoked key, and its lastUsedAt is not touched', async () => {
    const { key, username } = await freshKey();
    expect((await post('{ viewer { username } }', `Bearer ${key}`)).data).toEqual({ viewer: { username } });

    // Revoked through the API (which tells every instance), with a key of its own.
    const { id } = await apiKeyRow(key);
    const revoked = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', variables: { id: toGlobalId('ApiKey', id) } }),
    });
    expect(((await revoked.json()) as { data: { revokeApiKey: { revokedAt: string } } }).data.revokeApiKey.revokedAt).not.toBeNull();
    const lastUsedAt = new Date(Date.now() - 10 * 60_000);
    await gw.db.prisma.apiKey.update({ where: { hash: sha256(key) }, data: { lastUsedAt } });
    expectRejected(await post('{ viewer { username } }', `Bearer ${key}`));
    expect((await apiKeyRow(key)).lastUsedAt).toEqual(lastUsedAt);
  });

  test('revoking one key leaves the user’s other keys working', async () => {
    const { key, username } = await freshKey();
    const other = await gw.keyFor(username);
    await gw.db.prisma.apiKey.update({ where: { hash: sha256(key) }, data: { revokedAt: new Date() } });
    expectRejected(await post('{ viewer { username } }', `Bearer ${key}`));
    expect(await post('{ viewer { username } }', `Bearer ${other}`)).toEqual({ status: 200, data: { viewer: { username } } });
  });
});

describe('valid keys', () => {
  test('viewer is the key’s user', async () => {
    const { key, username } = await freshKey();
    expect(await post('{ viewer { username } }', `Bearer ${key}`)).toEqual({ status: 200, data: { viewer: { username } } });
  });

  test('the scheme is case-insensitive and surrounding spaces are ignored', async () => {
    const { key, username } = await freshKey();
    expect((await post('{ viewer { username } }', `bearer   ${key}  `)).data).toEqual({ viewer: { username } });
  });

  test('two users’ keys resolve to two different viewers', async () => {
    const a = await freshKey();
    const b = await freshKey();
    const [ra, rb] = await Promise.all([
      post('{ viewer { id username } }', `Bearer ${a.key}`),
      post('{ viewer { id username } }', `Bearer ${b.key}`),
    ]);
    expect(ra.data.viewer.username).toBe(a.username);
    expect(rb.data.viewer.username).toBe(b.username);
    expect(ra.data.viewer.id).not.toBe(rb.data.viewer.id);
  });
});

describe('cost: statements sent to the database to authenticate', () => {
  test('a valid key: one statement (the lookup and the throttled lastUsedAt write together), used or not', async () => {
    const { key } = await freshKey();
    const first = await gw.execute('{ __typename }', {}, key);
    expect(first).toMatchObject({ status: 200, data: { __typename: 'Query' }, statements: 1 });
    const again = await gw.execute('{ __typename }', {}, key);
    expect(again).toMatchObject({ status: 200, data: { __typename: 'Query' }, statements: 1 });
  });

  test('a well-formed unknown key: one statement; anonymous or a malformed token: none', async () => {
    expect(await gw.execute('{ __typename }', {}, generateApiKey().key)).toMatchObject({ status: 401, statements: 1 });
    expect(await gw.execute('{ __typename }', {}, 'not-a-key')).toMatchObject({ status: 401, statements: 0 });
    expect(await gw.execute('{ __typename }')).toMatchObject({ status: 200, data: { __typename: 'Query' }, statements: 0 });
  });
});

describe('what is stored of a key', () => {
  test('only its SHA-256 and a short prefix: no column of any table contains the key', async () => {
    const { key, username } = await freshKey();
    const row = await apiKeyRow(key);
    expect(row.hash).toBe(sha256(key));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThan(12);
    expect(row.userId).toBe((await gw.db.prisma.user.findUniqueOrThrow({ where: { username } })).id);

    // Every row of every table, as text: the key appears nowhere.
    const tables = await gw.db.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['ApiKey', 'User']));
    for (const { name } of tables) {
      const [found] = await gw.db.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`,
        key,
      );
      expect({ table: name, rows: found!.n }).toEqual({ table: name, rows: 0 });
    }
    // The probe itself works: it finds the hash.
    const [hashRows] = await gw.db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "ApiKey" t WHERE strpos(t::text, $1) > 0`,
      row.hash,
    );
    expect(hashRows!.n).toBe(1);
  });
});

describe('lastUsedAt', () => {
  const use = async (key: string) => expect((await post('{ viewer { username } }', `Bearer ${key}`)).status).toBe(200);
  const setLastUsed = (key: string, lastUsedAt: Date) => gw.db.prisma.apiKey.update({ where: { hash: sha256(key) }, data: { lastUsedAt } });

  test('is written on first use, as the current UTC time', async () => {
    const { key } = await freshKey();
    expect((await apiKeyRow(key)).lastUsedAt).toBeNull();
    const before = Date.now();
    await use(key);
    const lastUsedAt = (await apiKeyRow(key)).lastUsedAt;
    expect(lastUsedAt).toBeInstanceOf(Date);
    // A local-time/UTC mix-up would be off by whole hours; allow for the database's clock granularity.
    expect(lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    expect(lastUsedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
  });

  test('is not written again within 60 s (throttled)', async () => {
    const { key } = await freshKey();
    await use(key);
    const first = (await apiKeyRow(key)).lastUsedAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await use(key);
    await use(key);
    expect((await apiKeyRow(key)).lastUsedAt).toEqual(first);

    const thirtySecondsAgo = new Date(Date.now() - 30_000);
    await setLastUsed(key, thirtySecondsAgo);
    await use(key);
    expect((await apiKeyRow(key)).lastUsedAt).toEqual(thirtySecondsAgo);
  });

  test('is written again once the stored value is more than 60 s old', async () => {
    const { key } = await freshKey();
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await setLastUsed(key, twoMinutesAgo);
    const before = Date.now();
    await use(key);
    const lastUsedAt = (await apiKeyRow(key)).lastUsedAt!;
    expect(lastUsedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    expect(lastUsedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
  });

  test('a failed lookup (a well-formed key one character off) writes nothing', async () => {
    const { key } = await freshKey();
    const almost = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect((await post('{ viewer { username } }', `Bearer ${almost}`)).status).toBe(401);
    expect((await apiKeyRow(key)).lastUsedAt).toBeNull();
  });

  test('is UTC whatever the database session’s time zone', async () => {
    const { key, username } = await freshKey();
    const zone = 'America/New_York'; // never UTC: -4 or -5 hours
    const before = Date.now();
    if (gw.db.location.url) {
      // A server connection of its own, with a session time zone set at connect time.
      const url = new URL(gw.db.location.url);
      url.searchParams.set('options', `-c timezone=${zone}`);
      const other = await openDatabase({ url: url.toString(), poolMax: 1 });
      try {
        const [{ zone: seen }] = await other.prisma.$queryRawUnsafe<[{ zone: string }]>('SELECT current_setting($1) AS zone', 'TimeZone');
        expect(seen).toBe(zone);
        expect(await viewerForApiKey(other.prisma, key)).toMatchObject({ username });
      } finally {
        await other.close();
      }
    } else {
      // Embedded PGlite has one session, shared with the gateway: set the zone for this call only.
      await gw.db.prisma.$executeRawUnsafe(`SET TIME ZONE '${zone}'`);
      try {
        expect(await viewerForApiKey(gw.db.prisma, key)).toMatchObject({ username });
      } finally {
        await gw.db.prisma.$executeRawUnsafe('RESET TIME ZONE');
      }
    }
    const lastUsedAt = (await apiKeyRow(key)).lastUsedAt!;
    expect(lastUsedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    expect(lastUsedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
  });
});
