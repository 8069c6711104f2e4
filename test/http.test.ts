import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { demoFixture } from './helpers/demo-fixture';
import { usingPostgres } from './helpers/test-database';

// The HTTP surface as a client sees it: methods, status codes, the landing page, health checks,
// and what errors reveal in development and in production.

interface Body {
  data?: any;
  errors?: { message: string; locations?: unknown; path?: unknown; extensions?: Record<string, unknown> }[];
}

async function request(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  const json = /^application\/(graphql-response\+)?json/.test(response.headers.get('content-type') ?? '') ? (JSON.parse(text) as Body) : undefined;
  return { status: response.status, headers: response.headers, text, json };
}

const post = (gw: TestGateway, body: string | object, key?: string, contentType = 'application/json', accept = 'application/json') =>
  request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const get = (gw: TestGateway, path: string, headers: Record<string, string> = {}) => request(`${gw.url}${path}`, { headers });

const graphqlGet = (gw: TestGateway, params: Record<string, string>, key?: string) =>
  get(gw, `/graphql?${new URLSearchParams(params).toString()}`, key ? { authorization: `Bearer ${key}` } : {});

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const databaseKind = usingPostgres ? 'postgres' : 'pglite';

/** Runs `work` while the table `name` is missing, so queries on it fail the way an outage would. */
async function withTableMissing<T>(gw: TestGateway, name: string, work: () => Promise<T>): Promise<T> {
  await gw.db.prisma.$executeRawUnsafe(`ALTER TABLE "${name}" RENAME TO "${name}_gone"`);
  try {
    return await work();
  } finally {
    await gw.db.prisma.$executeRawUnsafe(`ALTER TABLE "${name}_gone" RENAME TO "${name}"`);
  }
}

describe('development', () => {
  const { gw, demo } = demoFixture({ env: 'development' });

  test('POST /graphql with a JSON body', async () => {
    const r = await post(gw, { query: 'query Me { viewer { username } }', operationName: 'Me' }, demo.key);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.json).toEqual({ data: { viewer: { username: 'demo' } } });
  });

  test('POST / is GraphQL too (the Sandbox posts to the page it is served from)', async () => {
    const r = await request(`${gw.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.key}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { viewer: { username: 'demo' } } });
  });

  test('GET /graphql?query=… runs a query, with variables', async () => {
    const r = await graphqlGet(gw, { query: 'query($n: Int) { viewer { username } items(first: $n) { edges { cursor } } }', variables: '{"n":2}' }, demo.key);
    expect(r.status).toBe(200);
    expect(r.json!.errors).toBeUndefined();
    expect(r.json!.data.viewer).toEqual({ username: 'demo' });
    expect(r.json!.data.items.edges).toHaveLength(2);
  });

  test('a mutation over GET is refused with 405 (and works over POST)', async () => {
    const r = await graphqlGet(gw, { query: 'mutation { __typename }' }, demo.key);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.json!.data).toBeUndefined();
    expect(r.json!.errors![0]!.extensions!.code).toBe('BAD_REQUEST');

    const viaPost = await post(gw, { query: 'mutation { __typename }' }, demo.key);
    expect(viaPost.status).toBe(200);
    expect(viaPost.json).toEqual({ data: { __typename: 'Mutation' } });
  });

  test('methods other than GET and POST get 405', async () => {
    const r = await request(`${gw.url}/graphql`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.key}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });
    expect(r.status).toBe(405);
    expect(r.json!.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
  });

  test('a POST that is not JSON is a 400 BAD_REQUEST, not a server error', async () => {
    const r = await post(gw, JSON.stringify({ query: '{ viewer { username } }' }), demo.key, 'text/plain');
    expect(r.status).toBe(400);
    expect(r.json!.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
  });

  test('malformed JSON gets a GraphQL-shaped 400 BAD_REQUEST (no HTML, no stack)', async () => {
    const r = await post(gw, '{"query": "{ viewer { username } }"', demo.key);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json!.errors).toHaveLength(1);
    expect(r.json!.errors![0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(r.text).not.toMatch(/node_modules|SyntaxError/);
  });

  test('a body over the size limit gets a GraphQL-shaped 413', async () => {
    const r = await post(gw, { query: '{ viewer { username } }', variables: { padding: 'x'.repeat(1_100_000) } }, demo.key);
    expect(r.status).toBe(413);
    expect(r.json!.errors![0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  test('GraphQL syntax and validation errors keep their own codes: 400 for graphql-response+json, 200 for application/json', async () => {
    const parse = await post(gw, { query: '{ viewer { username }' }, demo.key, 'application/json', 'application/graphql-response+json');
    expect(parse.status).toBe(400);
    expect(parse.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(parse.json!.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    const legacyParse = await post(gw, { query: '{ viewer { username }' }, demo.key);
    expect(legacyParse.status).toBe(200);
    expect(legacyParse.json!.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');

    const validation = await post(gw, { query: '{ viewer { noSuchField } }' }, demo.key, 'application/json', 'application/graphql-response+json');
    expect(validation.status).toBe(400);
    expect(validation.json!.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(validation.json!.errors![0]!.message).toMatch(/noSuchField/);
  });

  test('GET /health answers 200 without touching the database', async () => {
    const r = await get(gw, '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
  });

  test('GET /ready answers 200 while the database answers', async () => {
    const r = await get(gw, '/ready');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ready', database: databaseKind, cache: { store: 'memory', reachable: true } });
  });

  test.each(['/', '/graphql'])('a browser opening %s gets the Apollo Sandbox page', async (path) => {
    const r = await get(gw, path, html);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).toMatch(/<!DOCTYPE html>/i);
    expect(r.text).toContain('embeddable-sandbox');
  });

  test('a browser opening /graphiql gets GraphiQL, served by the gateway itself', async () => {
    const r = await get(gw, '/graphiql', html);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(r.text).toContain('id="graphiql-config"');
    expect(r.text).not.toMatch(/https?:\/\//);
  });

  test('introspection is allowed, anonymously', async () => {
    const r = await post(gw, { query: '{ __schema { queryType { name } mutationType { name } } }' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } } } });
  });

  test('an unexpected error keeps its message and carries a stack trace', async () => {
    const r = await withTableMissing(gw, 'Item', () => post(gw, { query: '{ items(first: 1) { totalCount } }' }, demo.key));
    expect(r.status).toBe(200);
    expect(r.json!.data).toBeNull();
    const error = r.json!.errors![0]!;
    expect(error.path).toEqual(['items']);
    expect(error.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).not.toBe('Internal server error');
    expect(error.extensions!.stacktrace).toEqual(expect.arrayContaining([expect.any(String)]));
  });
});

describe('production', () => {
  const { gw, demo } = demoFixture({ env: 'production' });

  test('queries work as in development', async () => {
    const r = await post(gw, { query: '{ viewer { username } }' }, demo.key);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { viewer: { username: 'demo' } } });
  });

  test('no landing page at /', async () => {
    const r = await get(gw, '/', html);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('sandbox');
  });

  test('no GraphiQL at /graphiql (unless GRAPHIQL_ENABLED=true)', async () => {
    expect((await get(gw, '/graphiql', html)).status).toBe(404);
    expect((await get(gw, '/graphiql/assets/graphiql.js')).status).toBe(404);
  });

  test('no landing page at /graphql: a GET without a query is a 400', async () => {
    const r = await get(gw, '/graphql', html);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json!.errors![0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(r.text).not.toContain('sandbox');
  });

  test('introspection is refused, even with a valid key', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Item") { name } }']) {
      const r = await post(gw, { query }, demo.key, 'application/json', 'application/graphql-response+json');
      expect(r.status).toBe(400);
      expect(r.json!.data).toBeUndefined();
      expect(r.json!.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  test('an unexpected error in a resolver is masked: no message, no stack trace', async () => {
    const r = await withTableMissing(gw, 'Item', () => post(gw, { query: '{ items(first: 1) { totalCount } }' }, demo.key));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      data: null,
      errors: [
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 3 }],
          path: ['items'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
  });

  test('an unexpected error while authenticating is masked too (HTTP 500)', async () => {
    // A key this instance has not seen yet, so it must be looked up (a key seen valid a moment ago is trusted without one).
    const { key } = await gw.freshUser('auth_error');
    const r = await withTableMissing(gw, 'ApiKey', () => post(gw, { query: '{ viewer { username } }' }, key));
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  test('errors the gateway raises on purpose keep their code and message, without a stack trace', async () => {
    const anonymous = await post(gw, { query: '{ viewer { username } }' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json!.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(anonymous.json!.errors![0]!.message).toMatch(/Authorization: Bearer/);

    const badKey = await post(gw, { query: '{ viewer { username } }' }, 'tg_unknown');
    expect(badKey.status).toBe(401);
    expect(badKey.json!.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  test('client mistakes keep their codes: bad variables, validation', async () => {
    const variables = await post(gw, { query: 'query($n: Int) { items(first: $n) { totalCount } }', variables: { n: 'many' } }, demo.key, 'application/json', 'application/graphql-response+json');
    expect(variables.status).toBe(400);
    expect(variables.json!.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT' });

    const validation = await post(gw, { query: '{ viewer { noSuchField } }' }, demo.key);
    expect(validation.status).toBe(200); // application/json: request errors are 200 (GraphQL over HTTP)
    expect(validation.json!.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  test('malformed JSON gets a GraphQL-shaped 400 without a stack trace', async () => {
    const r = await post(gw, '{"query": ', demo.key);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
    expect(r.text).not.toMatch(/node_modules|at JSON\.parse/);
  });
});

describe('readiness when the database is gone', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: 'production' });
  });
  afterAll(async () => {
    // The database is already closed (and deleted) by the test; only the server is left.
    await gw.server.stop();
    await gw.cacheStore.close();
  });

  test('/ready answers 503 once the database is closed; /health still answers 200', async () => {
    expect((await get(gw, '/ready')).status).toBe(200);
    await gw.db.close();
    const ready = await get(gw, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({ status: 'unavailable', database: databaseKind, cache: { store: 'memory', reachable: true } });
    const health = await get(gw, '/health');
    expect(health.status).toBe(200);
  });
});
