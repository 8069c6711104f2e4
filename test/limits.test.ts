import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// Request limits, each with its default from config.ts and a clear error. Responses are asked
// for as application/graphql-response+json, where request errors are 4xx.

const redisUrl = process.env.REDIS_URL;
let gw: TestGateway;
let key: string;

const send = async (gateway: TestGateway, body: unknown, apiKey?: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

beforeAll(async () => {
  gw = await startTestGateway();
  key = await gw.keyFor('limits-user');
});
afterAll(() => gw.close());

describe('operation shape (defaults: depth 15, aliases 30, root fields 20, cost 100 000)', () => {
  test('a query nested deeper than 15 levels is refused', async () => {
    const deep = `{ items(first: 1) { edges { node { circuits(first: 1) { edges { node { items(first: 1) { edges { node { circuits(first: 1) { edges { node { items(first: 1) { edges { node { dfid } } } } } } } } } } } } } } } }`;
    const result = await send(gw, { query: deep }, key);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 15 });
    expect(result.body.errors[0].message).toMatch(/depth limit of 15/);
  });

  test('more than 30 aliases are refused', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: username`).join(' ');
    const result = await send(gw, { query: `{ viewer { ${aliases} } }` }, key);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: 30 });
  });

  test('more than 20 root fields are refused, fragments included', async () => {
    const fields = Array.from({ length: 11 }, () => `viewer { id }`).join(' ');
    const result = await send(gw, { query: `{ ${fields} ...More } fragment More on Query { ${Array.from({ length: 10 }, () => 'apiKeys { id }').join(' ')} }` }, key);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'rootFields', max: 20, actual: 21 });
  });

  test('page sizes multiply in the cost, also when they come as variables', async () => {
    const query = `query($n: Int) { items(first: $n) { edges { node { events(first: $n) { edges { node { item { events(first: $n) { edges { node { type } } } } } } } } } } }`;
    const small = await send(gw, { query, variables: { n: 20 } }, key);
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    const large = await send(gw, { query, variables: { n: 100 } }, key);
    expect(large.status).toBe(400);
    expect(large.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 100_000 });
    expect(large.body.errors[0].extensions.actual).toBeGreaterThan(100_000);
    // Costs are remembered per operation and variables: each set gets its own verdict, every time.
    for (const [n, status] of [[20, 200], [100, 400], [20, 200], [100, 400]] as const) {
      expect((await send(gw, { query, variables: { n } }, key)).status).toBe(status);
    }
    // Variables too long to key a remembered cost are costed afresh, to the same verdict.
    const padding = 'x'.repeat(1_000);
    const paddedLarge = await send(gw, { query, variables: { n: 100, padding } }, key);
    expect(paddedLarge.body.errors[0].extensions).toMatchObject({ limit: 'cost' });
    expect((await send(gw, { query, variables: { n: 20, padding } }, key)).status).toBe(200);
  });
});

describe('request size (defaults: query 20 000 characters, body 100 KiB, batch 10)', () => {
  test('a query longer than the limit is refused before it is parsed', async () => {
    const query = `{ __typename ${' '.repeat(20_001)}}`;
    const result = await send(gw, { query }, key);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', limit: 'queryLength', max: 20_000 });
  });

  test('a body over the limit is 413', async () => {
    const result = await send(gw, { query: '{ __typename }', variables: { padding: 'x'.repeat(110_000) } }, key);
    expect(result.status).toBe(413);
    expect(result.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test('batches of up to 10 operations run; more are refused', async () => {
    const batch = (size: number) => Array.from({ length: size }, () => ({ query: '{ viewer { username } }' }));
    const ok = await send(gw, batch(3), key);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(Array.from({ length: 3 }, () => ({ data: { viewer: { username: 'limits-user' } } })));
    const tooMany = await send(gw, batch(11), key);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', limit: 'batchSize', max: 10 });
  });
});

describe('rate limiting (default: 600 operations a minute per key)', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway({ limits: { rateLimitPoints: 5, rateLimitWindowMs: 60_000 } });
  });
  afterAll(() => limited.close());

  test('past the limit a key gets 429 with Retry-After; other keys are not affected', async () => {
    const first = await limited.keyFor('rate-a');
    const second = await limited.keyFor('rate-b');
    for (let i = 0; i < 5; i++) expect((await send(limited, { query: '{ __typename }' }, first)).status).toBe(200);
    const over = await send(limited, { query: '{ __typename }' }, first);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await send(limited, { query: '{ __typename }' }, second)).status).toBe(200);
  });

  test('each operation of a batch counts', async () => {
    const apiKey = await limited.keyFor('rate-batch');
    const batch = Array.from({ length: 4 }, () => ({ query: '{ __typename }' }));
    expect((await send(limited, batch, apiKey)).status).toBe(200);
    expect((await send(limited, batch, apiKey)).status).toBe(429);
  });
});

(redisUrl ? describe : describe.skip)('rate limiting shared through Redis', () => {
  let one: TestGateway;
  let two: TestGateway;
  beforeAll(async () => {
    const limits = { rateLimitPoints: 6, rateLimitWindowMs: 60_000 };
    one = await startTestGateway({ redisUrl, limits });
    two = await startTestGateway({ redisUrl, limits, sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  test('requests through both instances count against one budget', async () => {
    const apiKey = await one.keyFor(`rate-shared-${Date.now()}`);
    for (let i = 0; i < 3; i++) {
      expect((await send(one, { query: '{ __typename }' }, apiKey)).status).toBe(200);
      expect((await send(two, { query: '{ __typename }' }, apiKey)).status).toBe(200);
    }
    expect((await send(one, { query: '{ __typename }' }, apiKey)).status).toBe(429);
    expect((await send(two, { query: '{ __typename }' }, apiKey)).status).toBe(429);
  });
});
