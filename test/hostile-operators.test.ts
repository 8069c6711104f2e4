import { createHash } from 'node:crypto';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { postOperation } from './helpers/hostile';

// What belongs to operators stays theirs: registering persisted queries needs a key and is
// bounded per user, /metrics in production needs METRICS_TOKEN, and balanceCacheMetrics only
// tells a user about their own reads.
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const apq = (query: string, withText: boolean) => ({
  ...(withText ? { query } : {}),
  extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
});

describe('persisted queries', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: 'production', limits: { persistedQueryRegistrationsPerHour: 3 } });
  });
  afterAll(() => gw.close());

  test('an anonymous client cannot register one; a lookup by hash stays open', async () => {
    const query = `{ __typename anonymous: __typename }`;
    const refused = await postOperation(gw, apq(query, true));
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const lookup = await postOperation(gw, apq(query, false));
    expect(lookup.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  test('with a key it registers, every instance of the store finds it, and registrations per user are bounded', async () => {
    const { key } = await gw.freshUser('apq-user');
    const queries = Array.from({ length: 4 }, (_, i) => `{ viewer { username } n${i}: __typename }`);
    for (const query of queries.slice(0, 3)) expect((await postOperation(gw, apq(query, true), key)).status).toBe(200);
    // Registered: the hash alone now runs, even without a key (only the text needs one).
    const byHash = await postOperation(gw, apq(queries[0]!, false), key);
    expect(byHash.body.data.viewer.username).toMatch(/^apq-user/);
    const over = await postOperation(gw, apq(queries[3]!, true), key);
    expect(over.status).toBe(429);
    expect(over.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(over.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('/metrics', () => {
  test('production without METRICS_TOKEN: not served', async () => {
    const gw = await startTestGateway({ env: 'production' });
    try {
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  test('with METRICS_TOKEN: 401 without it or with another, the figures with it', async () => {
    const gw = await startTestGateway({ env: 'production', metricsToken: 'operator-secret' });
    try {
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
      const { key } = await gw.freshUser('metrics-user');
      expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
      const ok = await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer operator-secret' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/gateway_graphql_request_duration_seconds/);
    } finally {
      await gw.close();
    }
  });
});

describe('balanceCacheMetrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: 'production' });
  });
  afterAll(() => gw.close());
  const METRICS = '{ balanceCacheMetrics { hits misses invalidations size } }';

  test("shows the viewer's own reads only, whatever others do", async () => {
    const busy = await gw.freshUser('busy');
    const quiet = await gw.freshUser('quiet');
    for (let i = 0; i < 5; i++) expect((await gw.http('{ balances { fromCache } }', {}, busy.key)).errors).toBeUndefined();
    expect((await gw.http(METRICS, {}, quiet.key)).data.balanceCacheMetrics).toEqual({ hits: 0, misses: 0, invalidations: 0, size: 0 });
    const own = (await gw.http(METRICS, {}, busy.key)).data.balanceCacheMetrics;
    expect(own).toEqual({ hits: 4, misses: 1, invalidations: 0, size: 1 });
  });
});
