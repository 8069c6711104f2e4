import { createHash } from 'node:crypto';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { demoFixture } from './helpers/demo-fixture';

// What operators see: Prometheus metrics, one JSON log line per request, and automatic
// persisted queries.
const redisUrl = process.env.REDIS_URL;

const post = (gw: TestGateway, body: unknown, key?: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: JSON.stringify(body),
  });

describe('metrics and logs', () => {
  let gw: TestGateway;
  let key: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({ logLines, slowOperationMs: 1_000_000 });
    key = await gw.keyFor('demo');
  });
  afterAll(() => gw.close());

  test('/metrics reports requests per operation, statements, loader batches, cache events and the pool', async () => {
    await post(gw, { query: 'query Dashboard { items(first: 5) { edges { node { owner { username } identifiers { key } } } } balances { fromCache } }', operationName: 'Dashboard' }, key);
    await post(gw, { query: 'query Dashboard { balances { fromCache } }', operationName: 'Dashboard' }, key);
    const response = await fetch(`${gw.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gateway_graphql_request_duration_seconds_count\{operation="Dashboard",outcome="ok"\} 2/);
    // First: key, items, {owners, identifiers} (lean reads of one level share a statement), balance
    // version, balance summary (a miss) = 5; second: the balance version (a hit) = 1, the key being
    // trusted since the first.
    expect(text).toMatch(/gateway_graphql_sql_statements_sum\{operation="Dashboard"\} 6/);
    expect(text).toMatch(/gateway_dataloader_batch_size_count \d+/);
    expect(text).toMatch(/gateway_balance_cache_events_total\{event="miss"\} 1/);
    expect(text).toMatch(/gateway_balance_cache_events_total\{event="hit"\} 1/);
    expect(text).toMatch(/gateway_db_pool_connections\{state="in_use"\} \d+/);
    expect(text).toMatch(/gateway_process_resident_memory_bytes/);
    expect(text).not.toContain(key);
  });

  test('each request logs one JSON line with its id and operation, and no secret', async () => {
    await post(gw, { query: '{ __typename }' }, key); // the key is looked up once, then trusted for a few seconds
    logLines.length = 0;
    const response = await post(gw, { query: 'query WhoAmI { viewer { username } }', operationName: 'WhoAmI' }, key, { 'x-request-id': 'req-123' });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    const lines = logLines.map((line) => JSON.parse(line));
    const entry = lines.find((line) => line.requestId === 'req-123');
    // The viewer's row alone: the key is trusted since the request before.
    expect(entry).toMatchObject({ level: 30, operation: 'WhoAmI', status: 200, statements: 1, msg: 'GraphQL request' });
    expect(logLines.join('\n')).not.toContain(key);

    const generated = await post(gw, { query: '{ __typename }' });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('slow operations', () => {
  test('are logged as warnings', async () => {
    const logLines: string[] = [];
    const gw = await startTestGateway({ logLines, slowOperationMs: 1 });
    try {
      const key = await gw.keyFor('demo');
      await post(gw, { query: 'query Heavy { items(first: 50) { edges { node { events(first: 20) { edges { node { type } } } } } } }' }, key);
      const warning = logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'slow GraphQL operation');
      expect(warning).toMatchObject({ level: 40, operation: 'Heavy' });
    } finally {
      await gw.close();
    }
  });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string, withText: boolean) => ({
  ...(withText ? { query } : {}),
  extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
});

describe('automatic persisted queries', () => {
  const { gw, demo } = demoFixture();

  test('an unknown hash asks for the query; once registered, the hash alone runs it', async () => {
    const query = `query Apq { viewer { username } } # ${Date.now()}`;
    const unknown: any = await (await post(gw, persisted(query, false), demo.key)).json();
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered: any = await (await post(gw, persisted(query, true), demo.key)).json();
    expect(registered.data).toEqual({ viewer: { username: 'demo' } });
    const byHash: any = await (await post(gw, persisted(query, false), demo.key)).json();
    expect(byHash.data).toEqual({ viewer: { username: 'demo' } });
  });

  test('a hash that does not match the query is refused', async () => {
    const body: any = await (
      await post(gw, { query: '{ viewer { username } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } }, demo.key)
    ).json();
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

(redisUrl ? describe : describe.skip)('persisted queries shared through Redis', () => {
  test('a query registered through one instance runs by hash on another', async () => {
    const one = await startTestGateway({ redisUrl });
    const two = await startTestGateway({ redisUrl, sameDatabaseAs: one });
    try {
      const key = await one.keyFor('demo');
      const query = `query SharedApq { viewer { username } } # ${process.pid}-${Date.now()}`;
      expect(((await (await post(one, persisted(query, true), key)).json()) as any).data).toEqual({ viewer: { username: 'demo' } });
      expect(((await (await post(two, persisted(query, false), key)).json()) as any).data).toEqual({ viewer: { username: 'demo' } });
    } finally {
      await two.close();
      await one.close();
    }
  });
});
