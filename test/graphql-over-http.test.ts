import { serverAudits } from 'graphql-http';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { loadConfig } from '../src/config';

// The GraphQL-over-HTTP specification's audit suite (from graphql-http, the reference
// implementation), MUSTs and SHOULDs, run against the real server.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('GraphQL over HTTP', () => {
  for (const audit of serverAudits({ url: () => `${gw.url}/graphql`, fetchFn: fetch })) {
    test(audit.name, async () => {
      const result = await audit.fn();
      expect({ status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual({ status: 'ok', reason: undefined });
    });
  }
});

describe('GraphQL over HTTP with an API key and the default limits, all audits at once', () => {
  let limited: TestGateway;
  let key: string;
  beforeAll(async () => {
    // The defaults production runs with (4 requests running per user, the rest queued).
    limited = await startTestGateway({ limits: loadConfig({}).limits });
    key = await limited.keyFor('audit-user');
  });
  afterAll(() => limited.close());

  test('every MUST and SHOULD passes, with the audits sent in parallel from one key', async () => {
    const withKey: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: () => `${limited.url}/graphql`, fetchFn: withKey });
    const results = await Promise.all(audits.map(async (audit) => ({ name: audit.name, result: await audit.fn() })));
    const failed = results.filter(({ result }) => result.status !== 'ok').map(({ name, result }) => `${name}: ${'reason' in result ? result.reason : result.status}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });

  test('a burst of 16 parallel requests from one key all answer 200', async () => {
    const burst = await Promise.all(
      Array.from({ length: 16 }, () =>
        fetch(`${limited.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: '{ viewer { username } balances { fromCache } }' }),
        }).then((response) => response.status),
      ),
    );
    expect(burst).toEqual(Array.from({ length: 16 }, () => 200));
  });
});
