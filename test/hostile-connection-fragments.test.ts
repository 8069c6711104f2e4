import type { TestGateway } from './helpers/test-gateway';
import { fanOutFragments, postOperation, productionGatewayWithProbe } from './helpers/hostile';
import { probeDuring, stallBound } from './helpers/stall-probe';

// Fragment fan-out inside a child connection: fragments on ItemEventConnection spreading each
// other forty times. Too large for the cost limit at four levels; at three it is within the
// limit and must run in the time of an ordinary request (each fragment is looked into once per
// field, not once per path).
let gw: TestGateway;
let key: string;
let probeKey: string;
beforeAll(async () => {
  ({ gw, key, probeKey } = await productionGatewayWithProbe('connection-fanout-probe'));
});
afterAll(() => gw.close());

const fanOutQuery = (levels: number, items: number) =>
  `query { items(first: ${items}) { edges { node { dfid events(first: 1) { ...E${levels} } } } } }\n${fanOutFragments('ItemEventConnection', 'totalCount', 40, levels, 'E')}`;

test('forty spreads, four levels deep (2.56 million paths per parent): refused by the cost limit', async () => {
  const { baseline, during, result } = await probeDuring(gw, probeKey, () => postOperation(gw, { query: fanOutQuery(4, 1) }, key));
  expect(result.status).toBe(400);
  expect(result.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 100_000 });
  console.log(`connection fan-out 40^4: ${result.ms.toFixed(1)} ms; probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms`);
  expect(during.max).toBeLessThan(stallBound(baseline));
});

test('three levels (64 000 paths per parent) within the cost limit: served in the time of a plain query', async () => {
  const plain = await postOperation(gw, { query: 'query { items(first: 1) { edges { node { dfid events(first: 1) { totalCount } } } } }' }, key);
  expect(plain.status).toBe(200);
  const { baseline, during, result } = await probeDuring(gw, probeKey, async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await postOperation(gw, { query: fanOutQuery(3, 1) }, key));
    return answers;
  });
  for (const answer of result) {
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual(plain.body.data);
  }
  const worst = Math.max(...result.map((answer) => answer.ms));
  console.log(`connection fan-out 40^3: worst ${worst.toFixed(1)} ms (plain ${plain.ms.toFixed(1)} ms); probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms`);
  expect(during.max).toBeLessThan(stallBound(baseline));
});
