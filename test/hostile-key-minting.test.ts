import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { postOperation, startProductionGateway } from './helpers/hostile';

// Minting keys buys nothing: a user holds at most 20 live keys, and every limit (rate, requests
// in flight) counts the user, whichever key they use.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startProductionGateway();
});
afterAll(() => gw.close());

const CREATE = 'mutation($name: String!) { createApiKey(input: { name: $name }) { key apiKey { id } } }';

test('the 21st live key is FORBIDDEN; revoking one makes room', async () => {
  const { key } = await gw.freshUser('minter');
  const created: Array<{ key: string; apiKey: { id: string } }> = [];
  // The first key came with the user: 19 more reach the cap of 20.
  for (let i = 0; i < 19; i++) {
    const answer = await gw.http(CREATE, { name: `bot ${i}` }, key);
    expect(answer.errors).toBeUndefined();
    created.push(answer.data.createApiKey);
  }
  const refused = await gw.http(CREATE, { name: 'one too many' }, key);
  expect(refused.data).toBeNull();
  expect(refused.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', limit: 'apiKeys', max: 20 });
  const revoked = await gw.http('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: created[0]!.apiKey.id }, key);
  expect(revoked.errors).toBeUndefined();
  expect((await gw.http(CREATE, { name: 'room again' }, key)).errors).toBeUndefined();
});

test('concurrent creations cannot pass the cap together', async () => {
  const { key } = await gw.freshUser('racing-minter');
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => gw.http(CREATE, { name: `race ${i}` }, key)));
  expect(answers.filter((answer) => !answer.errors).length).toBe(19);
  expect(answers.filter((answer) => answer.errors?.[0]?.extensions?.code === 'FORBIDDEN').length).toBe(11);
});

test('twelve keys of one user share one rate budget', async () => {
  const limited = await startTestGateway({ env: 'production', limits: { rateLimitPoints: 6, rateLimitWindowMs: 60_000 } });
  try {
    const keys = [];
    for (let i = 0; i < 12; i++) keys.push(await limited.keyFor('many-keys'));
    const statuses = [];
    for (const each of keys) statuses.push((await postOperation(limited, { query: '{ viewer { username } }' }, each)).status);
    // Per key, each would pass; per user, the budget of 6 is spent after six.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429]);
  } finally {
    await limited.close();
  }
});
