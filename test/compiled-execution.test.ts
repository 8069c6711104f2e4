import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// Operations run compiled (graphql-jit) give what graphql-js gives: the same data, errors, error
// paths, locations, codes and HTTP status. Each case runs on a compiled gateway and on one that
// interprets every operation (COMPILED_EXECUTION=false), on one database, as the same user.
let compiled: TestGateway;
let interpreted: TestGateway;
let key: string;
let otherKey: string;
let accounts: string[];
let otherAccount: string;

const CREATE_ACCOUNT = `mutation($label: String!) { createExchangeAccount(input: { exchange: "paper", label: $label }) { account { id } } }`;
const DEPOSIT = `mutation($accountId: ID!) { deposit(input: { accountId: $accountId, asset: "USDT", amount: "1000.50" }) { entry { id } } }`;

beforeAll(async () => {
  compiled = await startTestGateway();
  interpreted = await startTestGateway({ sameDatabaseAs: compiled, compiledExecution: false });
  const user = await compiled.freshUser('compiled');
  key = user.key;
  accounts = [];
  for (const label of ['Main', 'Spare']) {
    const id = (await compiled.http(CREATE_ACCOUNT, { label }, key)).data.createExchangeAccount.account.id as string;
    await compiled.http(DEPOSIT, { accountId: id }, key);
    accounts.push(id);
  }
  const other = await compiled.freshUser('compiled_other');
  otherKey = other.key;
  otherAccount = (await compiled.http(CREATE_ACCOUNT, { label: 'Theirs' }, otherKey)).data.createExchangeAccount.account.id;
});
afterAll(async () => {
  await interpreted.close();
  await compiled.close();
});

/** Status and body, without the stack traces outside production (they name the executor's frames). */
const comparable = (r: { status: number; data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }) => ({
  status: r.status,
  data: r.data,
  errors: r.errors?.map(({ extensions, ...error }) => ({ ...error, extensions: { ...extensions, stacktrace: undefined } })),
});

/** The response both ways, checked equal; returns the compiled one. */
async function same(query: string, variables: () => Record<string, unknown> = () => ({}), as: string | null = key) {
  const [a, b] = [await compiled.http(query, variables(), as ?? undefined), await interpreted.http(query, variables(), as ?? undefined)];
  expect(comparable(a)).toEqual(comparable(b));
  return a;
}

test('data: scalars (Decimal, DateTime, enums), an abstract type through node(id:) and fragments, connections with totalCount', async () => {
  const result = await same(
    `query($id: ID!) {
      exchangeAccounts { id label createdAt ledgerEntries(first: 5) { totalCount edges { cursor node { amount kind createdAt account { label } } } pageInfo { hasNextPage endCursor } } }
      node(id: $id) { __typename id ...on ExchangeAccount { label } }
      balances { assets { asset free total } }
    }`,
    () => ({ id: accounts[0] }),
  );
  expect(result.errors).toBeUndefined();
  expect(result.data.node).toEqual({ __typename: 'ExchangeAccount', id: accounts[0], label: 'Main' });
  expect(result.data.exchangeAccounts[0].ledgerEntries).toMatchObject({ totalCount: 1, edges: [{ node: { amount: '1000.5', kind: 'DEPOSIT' } }] });
});

test('a resolver throwing in a nested non-null field: its error at its path, null propagated to the nearest nullable field', async () => {
  // ledgerEntries is non-null in a non-null list under a non-null root field: data is null, and
  // the first error is the one reported (the second account's is under a field already null).
  const throughList = await same(`{ exchangeAccounts { id ledgerEntries(filter: { asset: "not an asset" }) { totalCount } } }`);
  expect(throughList.data).toBeNull();
  expect(throughList.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['BAD_USER_INPUT', ['exchangeAccounts', 0, 'ledgerEntries']]]);
  // Under node(id:), which may be null: the rest of the answer stands.
  const underNode = await same(`query($id: ID!) { node(id: $id) { id ...on ExchangeAccount { ledgerEntries(filter: { asset: "x" }) { totalCount } } } viewer { id } }`, () => ({ id: accounts[1] }));
  expect(underNode.data.node).toBeNull();
  expect(underNode.data.viewer.id).toBeDefined();
  expect(underNode.errors?.map((e) => [e.extensions?.code, e.path, e.locations])).toEqual([['BAD_USER_INPUT', ['node', 'ledgerEntries'], [{ line: 1, column: 62 }]]]);
});

test('a bad scalar input: as a variable (graphql-js answers before anything runs) and inline', async () => {
  const variable = await same(`query($first: Int) { exchangeAccounts { id ledgerEntries(first: $first) { totalCount } } }`, () => ({ first: 'ten' }));
  expect(variable.status).toBe(200);
  expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(variable.data).toBeUndefined();
  const decimal = await same(`mutation($input: DepositInput!) { deposit(input: $input) { entry { id } } }`, () => ({ input: { accountId: accounts[0], asset: 'USDT', amount: { value: 1 } } }));
  expect(decimal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const dateTime = await same(`{ exchangeAccounts { ledgerEntries(filter: { from: "yesterday" }) { totalCount } } }`);
  expect(dateTime.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  // A Decimal the service refuses (not a number): BAD_USER_INPUT naming the field, at the mutation's path.
  const amount = await same(`mutation($id: ID!) { deposit(input: { accountId: $id, asset: "USDT", amount: "lots" }) { entry { id } } }`, () => ({ id: accounts[0] }));
  expect(amount.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.path])).toEqual([['BAD_USER_INPUT', 'input.amount', ['deposit']]]);
});

test("NOT_FOUND: another user's account by ID, as a query and in a mutation", async () => {
  const read = await same(`query($id: ID!) { ledgerEntries(accountId: $id) { totalCount } }`, () => ({ id: otherAccount }));
  expect(read.data).toBeNull();
  expect(read.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['ledgerEntries']]]);
  const node = await same(`query($id: ID!) { node(id: $id) { id } }`, () => ({ id: otherAccount }));
  expect(node.data).toEqual({ node: null });
  const write = await same(`mutation($id: ID!) { deposit(input: { accountId: $id, asset: "USDT", amount: "1" }) { entry { id } } }`, () => ({ id: otherAccount }));
  expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(write.errors?.[0]?.path).toEqual(['deposit']);
});

test('without a key: UNAUTHENTICATED on each root field, __typename still answered; introspection runs too', async () => {
  const a = await same(`{ __typename viewer { id } balances { fromCache } }`, undefined, null);
  expect(a.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  const introspection = await same(`{ __schema { queryType { name } } __type(name: "Node") { kind possibleTypes { name } } }`);
  expect(introspection.data.__schema.queryType.name).toBe('Query');
});

test('the same document twice, and two operations of one document chosen by name', async () => {
  const document = `query A { viewer { username } } query B { exchangeAccounts { label } }`;
  for (let i = 0; i < 2; i++) {
    for (const operationName of ['A', 'B']) {
      const [a, b] = await Promise.all(
        [compiled, interpreted].map((gw) =>
          fetch(`${gw.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ query: document, operationName }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { errors?: unknown } })),
        ),
      );
      expect(a).toEqual(b);
      expect(a!.status).toBe(200);
      expect(a!.body.errors).toBeUndefined();
    }
  }
});
