import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { PrivateRedis } from './helpers/private-servers';
import { toGlobalId } from '../src/graphql/global-id';

// A key found valid is trusted for a few seconds without a statement, and a revocation through
// the API is refused on the very next request, on every instance (Redis carries it between them).
const redisUrl = process.env.REDIS_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let requests = 0;
/** POSTs `query` with `key` and returns the status and the statements its log line reports. */
async function send(gw: TestGateway, logLines: string[], query: string, key: string, variables: Record<string, unknown> = {}) {
  const requestId = `trusted-${++requests}`;
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
  // The line is written when the response finishes, which may be just after the body arrives.
  let line: { statements?: number } | undefined;
  for (let attempt = 0; attempt < 50 && !line; attempt++) {
    line = logLines.map((text) => JSON.parse(text) as { requestId?: string; statements?: number }).find((entry) => entry.requestId === requestId);
    if (!line) await sleep(10);
  }
  return { status: response.status, data: body.data, code: body.errors?.[0]?.extensions?.code, statements: line?.statements };
}

const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }';
const keyId = async (gw: TestGateway, key: string) => {
  const hash = (await import('node:crypto')).createHash('sha256').update(key).digest('hex');
  return toGlobalId('ApiKey', (await gw.db.prisma.apiKey.findUniqueOrThrow({ where: { hash } })).id);
};

describe('one instance', () => {
  let gw: TestGateway;
  const logLines: string[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({ logLines });
  });
  afterAll(() => gw.close());

  test('{ __typename } with a key: one statement (the lookup), then none while the key is trusted', async () => {
    const { key } = await gw.freshUser('trusted');
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, data: { __typename: 'Query' }, statements: 1 });
    for (let i = 0; i < 3; i++) {
      expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, data: { __typename: 'Query' }, statements: 0 });
    }
    // A field that needs the database still reads it (the viewer's row), the key still costs nothing.
    expect(await send(gw, logLines, '{ viewer { username } }', key)).toMatchObject({ status: 200, statements: 1 });
  });

  test('revokeApiKey: the very next request with the key is refused; the user’s other keys keep working', async () => {
    const { key, username } = await gw.freshUser('trusted');
    const other = await gw.keyFor(username);
    for (const k of [key, other]) await send(gw, logLines, '{ __typename }', k);
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, statements: 0 });

    expect(await send(gw, logLines, REVOKE, other, { id: await keyId(gw, key) })).toMatchObject({ status: 200 });
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    // The user's other key is looked up again once, then trusted again.
    expect(await send(gw, logLines, '{ viewer { username } }', other)).toMatchObject({ status: 200, data: { viewer: { username } }, statements: 2 });
    expect(await send(gw, logLines, '{ __typename }', other)).toMatchObject({ status: 200, statements: 0 });
  });

  test('a revocation written to the database behind the API takes effect within the trust period (5 s)', async () => {
    const { key } = await gw.freshUser('trusted');
    await send(gw, logLines, '{ __typename }', key);
    const hash = (await import('node:crypto')).createHash('sha256').update(key).digest('hex');
    await gw.db.prisma.apiKey.update({ where: { hash }, data: { revokedAt: new Date() } });
    await sleep(5_100);
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

(redisUrl ? describe : describe.skip)('two instances on one database and one Redis', () => {
  let one: TestGateway;
  let two: TestGateway;
  const linesOne: string[] = [];
  const linesTwo: string[] = [];
  beforeAll(async () => {
    one = await startTestGateway({ redisUrl, logLines: linesOne });
    two = await startTestGateway({ redisUrl, logLines: linesTwo, sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  test('revoked on one, refused by the other on the very next request (each time, of several keys)', async () => {
    const { username, key: admin } = await one.freshUser('revoker');
    for (let round = 0; round < 5; round++) {
      const key = await one.keyFor(username);
      // Both instances trust the key (the second use costs no statement).
      for (const [gw, lines] of [[one, linesOne], [two, linesTwo]] as const) {
        await send(gw, lines, '{ __typename }', key);
        expect(await send(gw, lines, '{ __typename }', key)).toMatchObject({ status: 200, statements: 0 });
      }
      expect(await send(one, linesOne, REVOKE, admin, { id: await keyId(one, key) })).toMatchObject({ status: 200 });
      expect(await send(two, linesTwo, '{ __typename }', key)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(await send(one, linesOne, '{ __typename }', key)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});

describe('while Redis is unreachable', () => {
  let redis: PrivateRedis;
  let gw: TestGateway;
  const logLines: string[] = [];
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    gw = await startTestGateway({ redisUrl: redis.url, logLines });
  });
  afterAll(async () => {
    await gw.close();
    await redis.down();
  });

  test('no key is trusted (a revocation could be missed): each request looks its key up; trust resumes once Redis is back', async () => {
    const { key } = await gw.freshUser('outage');
    await send(gw, logLines, '{ __typename }', key);
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, statements: 0 });

    await redis.down();
    await sleep(300);
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, statements: 1 });
    expect(await send(gw, logLines, '{ __typename }', key)).toMatchObject({ status: 200, statements: 1 });

    await redis.up();
    for (let attempt = 0; attempt < 100; attempt++) {
      await send(gw, logLines, '{ __typename }', key);
      if ((await send(gw, logLines, '{ __typename }', key)).statements === 0) return;
      await sleep(100);
    }
    throw new Error('keys were not trusted again after Redis came back');
  });
});
