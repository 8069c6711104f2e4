import type { TestGateway } from './helpers/test-gateway';
import { postOperation, productionGatewayWithProbe } from './helpers/hostile';
import { probeDuring, stallBound } from './helpers/stall-probe';

// One client's burst: with the default limits (4 running per user) its extra requests wait
// their turn instead of being refused, and turns alternate between clients, so another client
// is served between them.
let gw: TestGateway;
let key: string;
let probeKey: string;
beforeAll(async () => {
  ({ gw, key, probeKey } = await productionGatewayWithProbe('burst-probe'));
});
afterAll(() => gw.close());

const HEAVY = '{ items(first: 50) { edges { node { dfid identifiers { key value } events(first: 20) { edges { node { type data } } } } } } }';

test('16 parallel requests from one key all answer 200', async () => {
  const answers = await Promise.all(Array.from({ length: 16 }, () => postOperation(gw, { query: '{ viewer { username } }' }, key)));
  expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 16 }, () => 200));
});

test('a burst of 64 heavy requests from one key is served whole, and another client is not starved', async () => {
  const { baseline, during, result } = await probeDuring(gw, probeKey, () => Promise.all(Array.from({ length: 64 }, () => postOperation(gw, { query: HEAVY }, key))));
  expect(result.map((answer) => answer.status)).toEqual(Array.from({ length: 64 }, () => 200));
  expect(result.every((answer) => answer.body.data.items.edges.length > 0)).toBe(true);
  const worst = Math.max(...result.map((answer) => answer.ms));
  console.log(`burst of 64: worst ${worst.toFixed(1)} ms; probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms over ${during.count} probes`);
  // The probe waits for at most one of the burst's requests per turn, never for the whole burst.
  expect(during.max).toBeLessThan(Math.max(stallBound(baseline), worst / 2));
  expect(during.p50).toBeLessThan(worst / 3);
});
