import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// API keys through the API: created once, listed without the secret, revoked everywhere at once.
// Instances trust a key they found valid for a few seconds and hear revocations through Redis,
// so several instances need it (as the balance cache does); without it, `two` is a lone instance.
const redisUrl = process.env.REDIS_URL;
let one: TestGateway;
let two: TestGateway;
let key: string;

beforeAll(async () => {
  one = await startTestGateway({ redisUrl });
  two = await startTestGateway({ redisUrl, sameDatabaseAs: one });
  key = await one.keyFor('keys-owner');
});
afterAll(async () => {
  await two.close();
  await one.close();
});

const CREATE = `mutation($name: String!) { createApiKey(input: { name: $name }) { key apiKey { id name prefix createdAt lastUsedAt revokedAt } } }`;

test('createApiKey returns the key once; apiKeys lists name, prefix and dates, never the key', async () => {
  const created = await one.http(CREATE, { name: 'trading bot' }, key);
  expect(created.errors).toBeUndefined();
  const { key: newKey, apiKey } = created.data.createApiKey;
  expect(newKey).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);
  expect(newKey.startsWith(apiKey.prefix)).toBe(true);
  expect(apiKey).toMatchObject({ name: 'trading bot', lastUsedAt: null, revokedAt: null });

  const listed = await one.http(`{ apiKeys { id name prefix createdAt lastUsedAt revokedAt } }`, {}, key);
  expect(listed.data.apiKeys.map((k: { name: string }) => k.name)).toEqual(['trading bot', 'test']);
  expect(JSON.stringify(listed.data)).not.toContain(newKey);
  const stored = await one.db.prisma.apiKey.findMany({ where: { user: { username: 'keys-owner' } } });
  expect(JSON.stringify(stored)).not.toContain(newKey);

  // The new key works, and its first use is recorded.
  expect((await two.http(`{ viewer { username } }`, {}, newKey)).data).toEqual({ viewer: { username: 'keys-owner' } });
  const used = await one.http(`{ apiKeys { name lastUsedAt } }`, {}, key);
  expect(used.data.apiKeys.find((k: { name: string }) => k.name === 'trading bot').lastUsedAt).not.toBeNull();
});

test('revokeApiKey takes effect on the next request, on every instance', async () => {
  const created = (await one.http(CREATE, { name: 'to revoke' }, key)).data.createApiKey;
  expect((await two.http(`{ viewer { username } }`, {}, created.key)).status).toBe(200);

  const revoked = await one.http(`mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: created.apiKey.id }, key);
  expect(revoked.data.revokeApiKey.revokedAt).not.toBeNull();
  for (const gateway of redisUrl ? [one, two] : [one]) {
    const response = await gateway.http(`{ viewer { username } }`, {}, created.key);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }
  // Revoking again is harmless and keeps the first revocation time.
  const again = await one.http(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: created.apiKey.id }, key);
  expect(again.data.revokeApiKey.revokedAt).toBe(revoked.data.revokeApiKey.revokedAt);
});

test("another user's key cannot be revoked, and a bad name is BAD_USER_INPUT", async () => {
  const other = await one.keyFor('keys-other');
  const mine = (await one.http(CREATE, { name: 'mine' }, key)).data.createApiKey;
  const attempt = await one.http(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: mine.apiKey.id }, other);
  expect(attempt.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect((await one.http(`{ viewer { username } }`, {}, mine.key)).status).toBe(200);

  const blank = await one.http(CREATE, { name: '  ' }, key);
  expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
});
