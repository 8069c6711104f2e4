import { generateApiKey } from '../src/auth/api-keys';
import type { TestGateway } from './helpers/test-gateway';
import { postOperation, startProductionGateway } from './helpers/hostile';
import { floodWithRandomKeys } from './helpers/flood';
import { probeDuring, stallBound } from './helpers/stall-probe';

// A flood of random, well-formed bearer tokens (1 500, 50 in flight). Unknown keys are cheap to
// refuse: an address gets a small budget of lookups for keys that turn out unknown, then its
// unverified keys are refused without touching the database; known-good keys pass untouched.
let gw: TestGateway;
let probeKey: string;
beforeAll(async () => {
  gw = await startProductionGateway();
  probeKey = await gw.keyFor('token-flood-probe');
});
afterAll(() => gw.close());

test('1 500 random keys at 50 in flight: a bounded number of lookups, the legitimate client unaffected', async () => {
  const { baseline, during, result } = await probeDuring(gw, probeKey, () => floodWithRandomKeys(`${gw.url}/graphql`, 1_500, 50));
  console.log(`token flood: ${JSON.stringify(result.statuses)}, worst ${result.worstMs.toFixed(1)} ms; probe p50/max ${baseline.p50.toFixed(1)}/${baseline.max.toFixed(1)} → ${during.p50.toFixed(1)}/${during.max.toFixed(1)} ms over ${during.count} probes`);
  // No request got through, and only the address's small budget was looked up (keys are random,
  // so each 401 is one lookup).
  expect(Object.keys(result.statuses).sort()).toEqual(['401:UNAUTHENTICATED', '429:RATE_LIMITED']);
  expect(result.statuses['401:UNAUTHENTICATED']).toBeLessThanOrEqual(20);
  expect(result.statuses['429:RATE_LIMITED']).toBeGreaterThanOrEqual(1_480);
  // Sized for a busy 2-core CI box (it failed at 56 ms against a 50 ms bound with a 25 ms baseline).
  expect(during.p50).toBeLessThan(Math.max(3 * baseline.p50, baseline.p50 + 40));
  // Over a hundred probes on a shared machine one may meet a hiccup: the 95th percentile is held
  // to the stall bound, the worst to twice it (before the guard the median alone was ~450 ms).
  expect(during.p95).toBeLessThan(stallBound(baseline));
  expect(during.max).toBeLessThan(2 * stallBound(baseline));
});

test('a key refused as unknown is refused again without a lookup; a valid key from the same address still works', async () => {
  const unknown = generateApiKey().key;
  const first = await gw.execute('{ __typename }', {}, unknown);
  expect(first.status).toBe(401);
  // Over HTTP the address has spent its budget in the flood above: unverified keys wait a minute…
  const fresh = await gw.keyFor('token-flood-newcomer');
  const throttled = await postOperation(gw, { query: '{ viewer { username } }' }, fresh);
  expect(throttled.status).toBe(429);
  expect(Number(throttled.body.errors[0].extensions.retryAfterSeconds)).toBeGreaterThan(0);
  // …while a key this instance has seen valid is never held up.
  const known = await postOperation(gw, { query: '{ viewer { username } }' }, probeKey);
  expect(known.status).toBe(200);
  expect(known.body.data.viewer.username).toBe('token-flood-probe');
});
