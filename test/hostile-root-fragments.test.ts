import type { TestGateway } from './helpers/test-gateway';
import { fanOutFragments, postOperation, startProductionGateway } from './helpers/hostile';
import { probeDuring, stallBound } from './helpers/stall-probe';

// Fragment fan-out at the root, sent with no API key: a short document standing for millions of
// root fields. Every walk over a document visits each fragment once, so it is refused at once.
let gw: TestGateway;
let probeKey: string;
beforeAll(async () => {
  gw = await startProductionGateway();
  probeKey = await gw.keyFor('root-fanout-probe');
});
afterAll(() => gw.close());

test.each([6, 7, 12])('fragments spread ten times, %i levels deep, are refused fast and stall nobody', async (levels) => {
  const query = `query { ...F${levels} }\n${fanOutFragments('Query', '__typename', 10, levels)}`;
  expect(query.length).toBeLessThan(20_000);
  const { baseline, during, result } = await probeDuring(gw, probeKey, async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await postOperation(gw, { query }));
    return answers;
  });
  for (const answer of result) {
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'rootFields', max: 20 });
  }
  const worst = Math.max(...result.map((answer) => answer.ms));
  console.log(`root fan-out 10^${levels}: worst request ${worst.toFixed(1)} ms; probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms`);
  expect(worst).toBeLessThan(stallBound(baseline) * 5);
  expect(during.max).toBeLessThan(stallBound(baseline));
});
