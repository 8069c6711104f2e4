import type { TestGateway } from './helpers/test-gateway';
import { fanOutFragments, postOperation, productionGatewayWithProbe } from './helpers/hostile';
import { probeDuring, stallBound } from './helpers/stall-probe';

// A document padded past 10 000 selection nodes (the ceiling at which the old cost library gave
// up, and the operation ran uncosted) around nineteen expensive root fields: the cost is still
// computed, and the operation is refused.
let gw: TestGateway;
let key: string;
let probeKey: string;
beforeAll(async () => {
  ({ gw, key, probeKey } = await productionGatewayWithProbe('padded-cost-probe'));
});
afterAll(() => gw.close());

test('nineteen items × events pages behind 12 000 padding nodes: refused on cost, nobody stalled', async () => {
  const heavy = Array.from({ length: 19 }, (_, i) => `h${i}: items(first: 100) { edges { node { events(first: 100) { edges { node { type data } } } } } }`).join('\n');
  const query = `query { viewer { ...P3 } ${heavy} }\n${fanOutFragments('User', 'id', 20, 2, 'P')}\nfragment P3 on User { ${Array.from({ length: 30 }, () => '...P2').join(' ')} }`;
  const { baseline, during, result } = await probeDuring(gw, probeKey, () => postOperation(gw, { query }, key));
  expect(result.status).toBe(400);
  expect(result.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 100_000 });
  expect(result.body.errors[0].extensions.actual).toBeGreaterThan(500_000);
  expect(result.body.data).toBeUndefined();
  console.log(`padded cost: ${result.ms.toFixed(1)} ms; probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms`);
  expect(during.max).toBeLessThan(stallBound(baseline));
});
