import { serverAudits } from 'graphql-http';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';

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
