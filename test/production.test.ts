import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// NODE_ENV=production: what a gateway exposed to real browsers must (not) show.

const post = (gw: TestGateway, query: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

describe('production', () => {
  let gw: TestGateway;
  let key: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({ env: 'production', corsOrigins: ['https://app.example.com'], logLines });
    key = await gw.keyFor('prod-user');
  });
  afterAll(() => gw.close());

  test('no field suggestions: a typo does not reveal the schema', async () => {
    const body: any = await (await post(gw, '{ viewer { usernam } }', { authorization: `Bearer ${key}` })).json();
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).not.toMatch(/Did you mean/);
  });

  test('security headers are set', async () => {
    const response = await post(gw, '{ __typename }');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  // POST with a JSON body is served straight from Node's request event (http/graphql-route.ts),
  // everything else through Express: both must answer with the same headers and handlers.
  test('a JSON POST (the direct route) and a GET (Express) carry the same headers', async () => {
    const headers = { authorization: `Bearer ${key}`, origin: 'https://app.example.com', 'x-request-id': 'same-route-check' };
    const viaPost = await post(gw, '{ __typename }', headers);
    const viaGet = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
    expect([viaPost.status, viaGet.status]).toEqual([200, 200]);
    expect(await viaPost.json()).toEqual(await viaGet.json());
    // Values that differ per response (or only by method) aside, every header is the same.
    const varying = new Set(['date', 'content-length', 'etag', 'ratelimit-remaining', 'keep-alive', 'connection']);
    const named = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => !varying.has(name)));
    expect(named(viaPost)).toEqual(named(viaGet));
    expect(viaPost.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(viaPost.headers.get('x-request-id')).toBe('same-route-check');
    expect(viaPost.headers.get('ratelimit-limit')).not.toBeNull();
  });

  test('CORS allows only the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${gw.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const denied = await preflight('https://evil.example.com');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("CORS lets Apollo Client's and the request id's headers through, and exposes x-request-id", async () => {
    const preflight = await fetch(`${gw.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-request-id,apollographql-client-name,apollographql-client-version',
      },
    });
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').split(',').map((name) => name.trim());
    expect(allowed).toEqual(expect.arrayContaining(['x-request-id', 'apollographql-client-name', 'apollographql-client-version']));
    const response = await post(gw, '{ __typename }', { origin: 'https://app.example.com', 'x-request-id': 'browser-req-1' });
    expect(response.headers.get('x-request-id')).toBe('browser-req-1');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  test('no secret reaches the logs, even when a request fails unexpectedly', async () => {
    await gw.db.prisma.$executeRawUnsafe('ALTER TABLE "Item" RENAME TO "Item_hidden"');
    try {
      const response = await post(gw, '{ items(first: 1) { totalCount } }', { authorization: `Bearer ${key}` });
      const body: any = await response.json();
      expect(body.errors[0]).toEqual({ message: 'Internal server error', locations: expect.any(Array), path: ['items'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    } finally {
      await gw.db.prisma.$executeRawUnsafe('ALTER TABLE "Item_hidden" RENAME TO "Item"');
    }
    await post(gw, '{ viewer { username } }', { authorization: `Bearer ${key}x` });
    expect(logLines.join('\n')).toMatch(/unexpected error/);
    expect(logLines.join('\n')).not.toContain(key.slice(3));
  });
});

describe('development', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: 'development' });
  });
  afterAll(() => gw.close());

  test('field suggestions help while developing', async () => {
    const body: any = await (await post(gw, '{ viewer { usernam } }', { authorization: `Bearer ${await gw.keyFor('dev-user')}` })).json();
    expect(body.errors[0].message).toMatch(/Did you mean "username"/);
  });

  test('any origin may call the API from a browser', async () => {
    const response = await fetch(`${gw.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});
