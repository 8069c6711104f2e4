import { Prisma, type LedgerEntry, type Order } from '../src/generated/prisma/client';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { reconcileRunningBalances } from '../src/modules/exchange/reconcile';
import { demoFixture } from './helpers/demo-fixture';
import { fails, ok } from './helpers/responses';
import { ledgerEntryJson, orderJson } from './helpers/exchange-json';

// Issue #15, items 2 and 3: the orders nobody could find (Query.orders, ExchangeAccount.orders),
// an account's history (ExchangeAccount.ledgerEntries, Query.ledgerEntries) and withdrawals.
// Lists are compared with the rows the database holds, in list order, through every page; writes
// happen as fresh users, and alice's rows are the "another user's" ones.

const { gw, demo, alice } = demoFixture();

const D = (value: string | number) => new Prisma.Decimal(value);
const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
const prisma = () => gw.db.prisma;
const freshUser = () => gw.freshUser('history_user');
const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

const ORDER_FIELDS = `id clientOrderId symbol side type quantity price status createdAt filledAt canceledAt account { id } position { id }`;
const ENTRY_FIELDS = `id asset amount kind reference createdAt account { id }`;
const PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const ORDERS = `query($first: Int, $after: String, $filter: OrderFilter) {
  orders(first: $first, after: $after, filter: $filter) { ${PAGE} edges { cursor node { ${ORDER_FIELDS} } } } }`;
const ACCOUNT_ORDERS = `query($id: ID!, $first: Int, $after: String, $filter: AccountOrderFilter) { node(id: $id) { ... on ExchangeAccount {
  orders(first: $first, after: $after, filter: $filter) { ${PAGE} edges { cursor node { ${ORDER_FIELDS} } } } } } }`;
const ACCOUNT_LEDGER = `query($id: ID!, $first: Int, $after: String, $filter: LedgerEntryFilter) { node(id: $id) { ... on ExchangeAccount {
  ledgerEntries(first: $first, after: $after, filter: $filter) { ${PAGE} edges { cursor node { ${ENTRY_FIELDS} } } } } } }`;
const LEDGER = `query($accountId: ID!, $first: Int, $after: String, $filter: LedgerEntryFilter) {
  ledgerEntries(accountId: $accountId, first: $first, after: $after, filter: $filter) { ${PAGE} edges { cursor node { ${ENTRY_FIELDS} } } } }`;
const CREATE_ACCOUNT = `mutation($input: CreateExchangeAccountInput!) { createExchangeAccount(input: $input) { account { id } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { entry { ${ENTRY_FIELDS} } } }`;
const WITHDRAW = `mutation($input: WithdrawInput!) { withdraw(input: $input) { entry { ${ENTRY_FIELDS} } } }`;
const CREATE_ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { ${ORDER_FIELDS} } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { order { id status canceledAt } } }`;
const BALANCES = `{ balances { fromCache assets { asset free locked total } accounts { account { id } assets { asset free locked total } } } }`;

const orderOnList = (o: Order) => orderJson(o, o.positionId === null ? null : { id: toGlobalId('Position', o.positionId) });

/**
 * Walks a connection page by page (`first` per page) and returns every node with the totals
 * each page reported; checks the page shapes on the way.
 */
async function walk(
  query: string,
  variables: Record<string, unknown>,
  key: string,
  connectionOf: (data: any) => any,
  first: number,
): Promise<{ nodes: unknown[]; totals: number[]; pages: number }> {
  const nodes: unknown[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let pages = 1; pages <= 200; pages++) {
    const connection = connectionOf(await ok(gw.execute(query, { ...variables, first, after }, key)));
    totals.push(connection.totalCount);
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    expect(connection.pageInfo.hasPreviousPage).toBe(false);
    expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
    nodes.push(...connection.edges.map((edge: any) => edge.node));
    if (!connection.pageInfo.hasNextPage) return { nodes, totals, pages };
    expect(connection.edges).toHaveLength(first);
    after = connection.pageInfo.endCursor;
  }
  throw new Error('more than 200 pages');
}

async function openAccount(key: string, label = 'main'): Promise<string> {
  return (await ok(gw.execute(CREATE_ACCOUNT, { input: { exchange: 'paper', label } }, key))).createExchangeAccount.account.id;
}
async function fund(key: string, accountId: string, amount: string, asset = 'USDT') {
  return (await ok(gw.execute(DEPOSIT, { input: { accountId, asset, amount } }, key))).deposit.entry;
}
const withdrawal = (accountId: string, amount: string, reference: string, asset = 'USDT') => ({ input: { accountId, asset, amount, reference } });
const limitBuy = (accountId: string, quantity: string, price: string) =>
  ({ input: { accountId, symbol: 'BTC-USDT', side: 'BUY', type: 'LIMIT', quantity, price } });

async function funded(amount: string) {
  const user = await freshUser();
  const accountId = await openAccount(user.key);
  await fund(user.key, accountId, amount);
  return { ...user, accountId };
}

async function readBalances(key: string) {
  return (await ok(gw.execute(BALANCES, {}, key))).balances;
}

// ─── Orders ──────────────────────────────────────────────────────────────────

describe('Query.orders', () => {
  test("lists the viewer's orders across accounts newest first, every field, through every page", async () => {
    const rows = await prisma().order.findMany({ where: { account: { userId: demo.id } }, orderBy: newestFirst });
    expect(new Set(rows.map((o) => o.accountId)).size).toBeGreaterThan(1);
    expect(rows.some((o) => o.positionId === null)).toBe(true);
    const { nodes, totals, pages } = await walk(ORDERS, {}, demo.key, (data) => data.orders, 7);
    expect(nodes).toEqual(rows.map(orderOnList));
    expect(new Set(totals)).toEqual(new Set([rows.length]));
    expect(pages).toBe(Math.ceil(rows.length / 7) || 1);
    // Default page: 20.
    const first = await ok(gw.execute(ORDERS, {}, demo.key));
    expect(first.orders.edges).toHaveLength(Math.min(20, rows.length));
  });

  test('filter: { status, symbol, accountId, side, type } narrows the list, alone and combined, through every page', async () => {
    const rows = await prisma().order.findMany({ where: { account: { userId: demo.id } }, orderBy: newestFirst });
    const accounts = [...new Set(rows.map((o) => o.accountId))].sort((a, b) => a - b);
    const account = toGlobalId('ExchangeAccount', accounts[0]!);
    const cases: Array<[Record<string, unknown>, (o: Order) => boolean]> = [
      [{ status: 'NEW' }, (o) => o.status === 'NEW'],
      [{ status: 'FILLED' }, (o) => o.status === 'FILLED'],
      [{ status: 'CANCELED' }, (o) => o.status === 'CANCELED'],
      [{ symbol: 'BTC-USDT' }, (o) => o.symbol === 'BTC-USDT'],
      // The exchange-native spelling finds the same orders.
      [{ symbol: 'BTCUSDT' }, (o) => o.symbol === 'BTC-USDT'],
      [{ accountId: account }, (o) => o.accountId === accounts[0]],
      [{ side: 'SELL' }, (o) => o.side === 'SELL'],
      [{ type: 'LIMIT' }, (o) => o.type === 'LIMIT'],
      [{ type: 'STOP_LOSS' }, (o) => o.type === 'STOP_LOSS'],
      [{ status: 'NEW', type: 'LIMIT', side: 'BUY' }, (o) => o.status === 'NEW' && o.type === 'LIMIT' && o.side === 'BUY'],
      [{ accountId: account, symbol: 'ETHUSDT', status: 'FILLED' }, (o) => o.accountId === accounts[0] && o.symbol === 'ETH-USDT' && o.status === 'FILLED'],
      [{}, () => true],
      [{ symbol: 'DOGE-USDT' }, () => false],
    ];
    for (const [filter, keep] of cases) {
      const expected = rows.filter(keep).map(orderOnList);
      const { nodes, totals } = await walk(ORDERS, { filter }, demo.key, (data) => data.orders, 5);
      expect({ filter, nodes }).toEqual({ filter, nodes: expected });
      expect(new Set(totals)).toEqual(new Set([expected.length]));
    }
    // The cases above are not trivial: each single filter keeps some orders and drops others.
    for (const keep of [(o: Order) => o.status === 'NEW', (o: Order) => o.side === 'SELL', (o: Order) => o.type === 'LIMIT', (o: Order) => o.accountId === accounts[0]]) {
      expect(rows.filter(keep).length).toBeGreaterThan(0);
      expect(rows.filter(keep).length).toBeLessThan(rows.length);
    }
  });

  test("another user's account in the filter lists nothing; a bad symbol, account ID or cursor is BAD_USER_INPUT naming it", async () => {
    const aliceAccount = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id } });
    expect(await prisma().order.count({ where: { accountId: aliceAccount.id } })).toBeGreaterThan(0);
    const empty = await ok(gw.execute(ORDERS, { filter: { accountId: toGlobalId('ExchangeAccount', aliceAccount.id) } }, demo.key));
    expect(empty.orders).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] });
    for (const [variables, field] of [
      [{ filter: { symbol: 'btc-usdt' } }, 'filter.symbol'],
      [{ filter: { accountId: toGlobalId('Order', 1) } }, 'filter.accountId'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ first: 101 }, 'first'],
    ] as const) {
      const error = await fails(gw.execute(ORDERS, variables, demo.key), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe(field);
    }
  });

  test('a LIMIT order answered with position: null is listed as NEW, is canceled from the list, and its funds come back', async () => {
    const { key, accountId } = await funded('10000');
    const placed = (await ok(gw.execute(CREATE_ORDER, limitBuy(accountId, '0.1', '30000'), key))).createOrder.order;
    expect(placed).toMatchObject({ status: 'NEW', type: 'LIMIT', position: null });
    expect((await readBalances(key)).assets).toEqual([{ asset: 'USDT', free: '7000', locked: '3000', total: '10000' }]);
    // What a client that lost the answer does: list the open orders, and cancel what it finds.
    const open = await ok(gw.execute(ORDERS, { filter: { status: 'NEW' } }, key));
    const row = await prisma().order.findUniqueOrThrow({ where: { id: dbId(placed.id) } });
    expect(open.orders).toMatchObject({ totalCount: 1, edges: [{ node: orderOnList(row) }] });
    const canceled = (await ok(gw.execute(CANCEL, { id: open.orders.edges[0].node.id }, key))).cancelOrder.order;
    expect(canceled).toMatchObject({ id: placed.id, status: 'CANCELED' });
    expect((await ok(gw.execute(ORDERS, { filter: { status: 'NEW' } }, key))).orders.totalCount).toBe(0);
    expect((await ok(gw.execute(ORDERS, { filter: { status: 'CANCELED' } }, key))).orders.edges.map((e: any) => e.node.id)).toEqual([placed.id]);
    expect((await readBalances(key)).assets).toEqual([{ asset: 'USDT', free: '10000', locked: '0', total: '10000' }]);
  });

  test("one user never sees another's orders: alice's list is alice's rows only", async () => {
    const rows = await prisma().order.findMany({ where: { account: { userId: alice.id } }, orderBy: newestFirst });
    expect(rows.length).toBeGreaterThan(0);
    const { nodes } = await walk(ORDERS, {}, alice.key, (data) => data.orders, 50);
    expect(nodes).toEqual(rows.map(orderOnList));
    const demoIds = new Set((await prisma().order.findMany({ where: { account: { userId: demo.id } }, select: { id: true } })).map((o) => toGlobalId('Order', o.id)));
    expect(nodes.filter((node: any) => demoIds.has(node.id))).toEqual([]);
    expect(await ok(gw.execute(ORDERS, {}, (await freshUser()).key))).toMatchObject({ orders: { totalCount: 0, edges: [] } });
  });
});

describe('ExchangeAccount.orders', () => {
  test("each account's orders newest first, every field, through every page, with filters", async () => {
    const accounts = await prisma().exchangeAccount.findMany({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    const cases: Array<[Record<string, unknown> | undefined, (o: Order) => boolean]> = [
      [undefined, () => true],
      [{ status: 'NEW' }, (o) => o.status === 'NEW'],
      [{ symbol: 'BTCUSDT', side: 'BUY' }, (o) => o.symbol === 'BTC-USDT' && o.side === 'BUY'],
      [{ type: 'TAKE_PROFIT', status: 'CANCELED' }, (o) => o.type === 'TAKE_PROFIT' && o.status === 'CANCELED'],
    ];
    let listed = 0;
    for (const account of accounts) {
      const rows = await prisma().order.findMany({ where: { accountId: account.id }, orderBy: newestFirst });
      for (const [filter, keep] of cases) {
        const expected = rows.filter(keep).map(orderOnList);
        const id = toGlobalId('ExchangeAccount', account.id);
        const { nodes, totals } = await walk(ACCOUNT_ORDERS, { id, filter }, demo.key, (data) => data.node.orders, 4);
        expect({ account: account.id, filter, nodes }).toEqual({ account: account.id, filter, nodes: expected });
        expect(new Set(totals)).toEqual(new Set([expected.length]));
        listed += expected.length;
      }
    }
    expect(listed).toBeGreaterThan(10);
  });

  test('every account of a level gets its own page in one read; a bad symbol is BAD_USER_INPUT', async () => {
    const data = await ok(gw.execute(`{ exchangeAccounts { id orders(first: 3) { totalCount edges { node { id account { id } } } } } }`, {}, demo.key));
    for (const account of data.exchangeAccounts) {
      const rows = await prisma().order.findMany({ where: { accountId: dbId(account.id) }, orderBy: newestFirst, take: 3 });
      expect(account.orders.edges.map((e: any) => e.node)).toEqual(rows.map((o) => ({ id: toGlobalId('Order', o.id), account: { id: account.id } })));
      expect(account.orders.totalCount).toBe(await prisma().order.count({ where: { accountId: dbId(account.id) } }));
    }
    const error = await fails(gw.execute(`{ exchangeAccounts { orders(filter: { symbol: "BTC/USDT" }) { totalCount } } }`, {}, demo.key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('filter.symbol');
  });
});

// ─── Ledger history ──────────────────────────────────────────────────────────

describe('ledger history', () => {
  test("ExchangeAccount.ledgerEntries and ledgerEntries(accountId) list an account's entries newest first, through every page", async () => {
    const accounts = await prisma().exchangeAccount.findMany({ where: { userId: demo.id }, orderBy: { id: 'asc' } });
    let listed = 0;
    for (const account of accounts) {
      const id = toGlobalId('ExchangeAccount', account.id);
      const rows = await prisma().ledgerEntry.findMany({ where: { accountId: account.id }, orderBy: newestFirst });
      const child = await walk(ACCOUNT_LEDGER, { id }, demo.key, (data) => data.node.ledgerEntries, 6);
      const root = await walk(LEDGER, { accountId: id }, demo.key, (data) => data.ledgerEntries, 6);
      expect(child.nodes).toEqual(rows.map(ledgerEntryJson));
      expect(root.nodes).toEqual(child.nodes);
      expect(new Set([...child.totals, ...root.totals])).toEqual(new Set([rows.length]));
      listed += rows.length;
    }
    expect(listed).toBeGreaterThan(20);
  });

  test('filter: { kind, asset, from, to } narrows the entries (from inclusive, to exclusive), through every page', async () => {
    const account = (await prisma().exchangeAccount.findMany({ where: { userId: demo.id }, orderBy: { id: 'asc' } }))[0]!;
    const id = toGlobalId('ExchangeAccount', account.id);
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: account.id }, orderBy: newestFirst });
    const instants = [...new Set(rows.map((e) => e.createdAt.getTime()))].sort((a, b) => a - b);
    expect(instants.length).toBeGreaterThan(4);
    // Bounds that are entries' own instants, to show which side each bound includes.
    const from = new Date(instants[1]!);
    const to = new Date(instants[instants.length - 2]!);
    const cases: Array<[Record<string, unknown>, (e: LedgerEntry) => boolean]> = [
      [{ kind: 'FILL' }, (e) => e.kind === 'FILL'],
      [{ kind: 'DEPOSIT' }, (e) => e.kind === 'DEPOSIT'],
      [{ asset: 'USDT' }, (e) => e.asset === 'USDT'],
      [{ from: from.toISOString() }, (e) => e.createdAt >= from],
      [{ to: to.toISOString() }, (e) => e.createdAt < to],
      [{ from: from.toISOString(), to: to.toISOString(), kind: 'COMMISSION' }, (e) => e.createdAt >= from && e.createdAt < to && e.kind === 'COMMISSION'],
      [{ kind: 'WITHDRAWAL' }, () => false],
    ];
    for (const [filter, keep] of cases) {
      const expected = rows.filter(keep).map(ledgerEntryJson);
      const child = await walk(ACCOUNT_LEDGER, { id, filter }, demo.key, (data) => data.node.ledgerEntries, 4);
      const root = await walk(LEDGER, { accountId: id, filter }, demo.key, (data) => data.ledgerEntries, 4);
      expect({ filter, nodes: child.nodes }).toEqual({ filter, nodes: expected });
      expect(root.nodes).toEqual(expected);
      expect(new Set([...child.totals, ...root.totals])).toEqual(new Set([expected.length]));
    }
    for (const keep of cases.slice(0, 5).map(([, keep]) => keep)) {
      expect(rows.filter(keep).length).toBeGreaterThan(0);
      expect(rows.filter(keep).length).toBeLessThan(rows.length);
    }
  });

  test('an empty or reversed range, a bad asset or an instant PostgreSQL cannot hold is BAD_USER_INPUT naming the field', async () => {
    const account = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: demo.id } });
    const id = toGlobalId('ExchangeAccount', account.id);
    for (const [filter, field] of [
      [{ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'filter.to'],
      [{ from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'filter.to'],
      [{ from: '0000-01-01T00:00:00Z' }, 'filter.from'],
      [{ asset: 'usdt' }, 'filter.asset'],
    ] as const) {
      for (const [query, variables] of [[ACCOUNT_LEDGER, { id, filter }], [LEDGER, { accountId: id, filter }]] as const) {
        const error = await fails(gw.execute(query, variables, demo.key), 'BAD_USER_INPUT', query === LEDGER ? null : { node: null });
        expect({ filter, field: error.extensions?.field }).toEqual({ filter, field });
      }
    }
  });

  test("another user's account: ledgerEntries(accountId) is NOT_FOUND, node(id) is null; entries never cross users", async () => {
    const aliceAccount = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id } });
    expect(await prisma().ledgerEntry.count({ where: { accountId: aliceAccount.id } })).toBeGreaterThan(0);
    const id = toGlobalId('ExchangeAccount', aliceAccount.id);
    await fails(gw.execute(LEDGER, { accountId: id }, demo.key), 'NOT_FOUND');
    expect(await ok(gw.execute(ACCOUNT_LEDGER, { id }, demo.key))).toEqual({ node: null });
    await fails(gw.execute(LEDGER, { accountId: toGlobalId('ExchangeAccount', 2_000_000_000) }, demo.key), 'NOT_FOUND');
    const error = await fails(gw.execute(LEDGER, { accountId: toGlobalId('Order', aliceAccount.id) }, demo.key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('accountId');
    // Alice reads her own.
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: aliceAccount.id }, orderBy: newestFirst });
    expect((await walk(LEDGER, { accountId: id }, alice.key, (data) => data.ledgerEntries, 50)).nodes).toEqual(rows.map(ledgerEntryJson));
  });
});

// ─── Withdrawals ─────────────────────────────────────────────────────────────

describe('withdraw', () => {
  test('books a WITHDRAWAL of minus the amount; the balances read right after show it (the cache was primed)', async () => {
    const { key, id: userId, accountId } = await funded('1000');
    await readBalances(key);
    expect((await readBalances(key)).fromCache).toBe(true);
    const data = await ok(gw.execute(WITHDRAW, withdrawal(accountId, '250.5', 'payout-1'), key));
    const row = await prisma().ledgerEntry.findFirstOrThrow({ where: { accountId: dbId(accountId), kind: 'WITHDRAWAL' } });
    expect(data).toEqual({ withdraw: { entry: ledgerEntryJson(row) } });
    expect(data.withdraw.entry).toMatchObject({ amount: '-250.5', kind: 'WITHDRAWAL', reference: 'payout-1', asset: 'USDT' });
    const after = await readBalances(key);
    expect(after).toEqual({
      fromCache: false,
      assets: [{ asset: 'USDT', free: '749.5', locked: '0', total: '749.5' }],
      accounts: [{ account: { id: accountId }, assets: [{ asset: 'USDT', free: '749.5', locked: '0', total: '749.5' }] }],
    });
    // It is the newest entry of the account's history.
    const history = await ok(gw.execute(LEDGER, { accountId, first: 1 }, key));
    expect(history.ledgerEntries.edges[0].node).toEqual(data.withdraw.entry);
    expect((await reconcileRunningBalances(prisma())).differences.filter((d) => d.accountId === dbId(accountId))).toEqual([]);
    expect(await prisma().ledgerEntry.count({ where: { account: { userId } } })).toBe(2);
  });

  test('takes only free funds: what a LIMIT order locks stays; INSUFFICIENT_FUNDS says what was needed and free', async () => {
    const { key, accountId } = await funded('1000');
    await ok(gw.execute(CREATE_ORDER, limitBuy(accountId, '0.01', '30000'), key)); // locks 300
    const refused = await fails(gw.execute(WITHDRAW, withdrawal(accountId, '700.01', 'too-much'), key), 'INSUFFICIENT_FUNDS');
    expect(refused.extensions).toMatchObject({ asset: 'USDT', required: '700.01', available: '700' });
    // An asset the account never held: nothing free.
    const none = await fails(gw.execute(WITHDRAW, withdrawal(accountId, '1', 'btc', 'BTC'), key), 'INSUFFICIENT_FUNDS');
    expect(none.extensions).toMatchObject({ asset: 'BTC', required: '1', available: '0' });
    expect(await prisma().ledgerEntry.count({ where: { accountId: dbId(accountId), kind: 'WITHDRAWAL' } })).toBe(0);
    // The refused reference was not used up: it books once funds allow.
    await ok(gw.execute(WITHDRAW, withdrawal(accountId, '700', 'too-much'), key));
    expect((await readBalances(key)).assets).toEqual([{ asset: 'USDT', free: '0', locked: '300', total: '300' }]);
  });

  test('a retry returns the first entry and books nothing, even once the funds are gone; other content with the reference is CONFLICT', async () => {
    const { key, accountId } = await funded('100');
    const first = await ok(gw.execute(WITHDRAW, withdrawal(accountId, '100', 'w-1'), key));
    // The balance is now 0: the retry is answered, not refused for funds.
    expect(await ok(gw.execute(WITHDRAW, withdrawal(accountId, '100', 'w-1'), key))).toEqual(first);
    expect(await ok(gw.execute(WITHDRAW, withdrawal(accountId, '100.000', 'w-1'), key))).toEqual(first);
    await fund(key, accountId, '500');
    const deposit = (await ok(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '5', reference: 'dep-1' } }, key))).deposit.entry;
    for (const [variables, what] of [
      [withdrawal(accountId, '99', 'w-1'), 'another amount'],
      [withdrawal(accountId, '100', 'w-1', 'USDC'), 'another asset'],
      [withdrawal(accountId, '5', 'dep-1'), "a deposit's reference"],
    ] as const) {
      const error = await fails(gw.execute(WITHDRAW, variables, key), 'CONFLICT');
      expect({ what, field: error.extensions?.field }).toEqual({ what, field: 'input.reference' });
    }
    const conflictWithDeposit = await fails(gw.execute(WITHDRAW, withdrawal(accountId, '5', 'dep-1'), key), 'CONFLICT');
    expect(conflictWithDeposit.extensions?.entryId).toBe(deposit.id);
    // And the other way round: a deposit with a withdrawal's reference, named the same way.
    const depositConflict = await fails(gw.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount: '100', reference: 'w-1' } }, key), 'CONFLICT');
    expect(depositConflict.extensions).toMatchObject({ field: 'input.reference', entryId: first.withdraw.entry.id });
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId) }, orderBy: { id: 'asc' } });
    expect(rows.map((e) => [e.kind, e.amount.toFixed(), e.reference])).toEqual([
      ['DEPOSIT', '100', null],
      ['WITHDRAWAL', '-100', 'w-1'],
      ['DEPOSIT', '500', null],
      ['DEPOSIT', '5', 'dep-1'],
    ]);
  });

  test('the same withdrawal sent 8 times at once books one entry, and every answer is that entry', async () => {
    const { key, accountId } = await funded('1000');
    const burst = await Promise.all(Array.from({ length: 8 }, () => gw.http(WITHDRAW, withdrawal(accountId, '600', 'burst-1'), key)));
    for (const response of burst) expect(response.errors).toBeUndefined();
    expect(new Set(burst.map((response) => response.data.withdraw.entry.id)).size).toBe(1);
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId), kind: 'WITHDRAWAL' } });
    expect(rows.map((e) => e.amount.toFixed())).toEqual(['-600']);
    expect((await readBalances(key)).assets).toEqual([{ asset: 'USDT', free: '400', locked: '0', total: '400' }]);
  });

  test('concurrent withdrawals that together exceed the balance: exactly the affordable ones succeed', async () => {
    const { key, accountId } = await funded('1000');
    await ok(gw.execute(CREATE_ORDER, limitBuy(accountId, '0.001', '100000'), key)); // locks 100: 900 free
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => gw.http(WITHDRAW, withdrawal(accountId, '150', `race-${i}`), key)));
    const codes = burst.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(6);
    expect(codes.filter((code) => code === 'INSUFFICIENT_FUNDS')).toHaveLength(4);
    for (const response of burst.filter((r) => r.errors)) expect(response.errors![0]!.extensions).toMatchObject({ required: '150', available: '0' });
    const rows = await prisma().ledgerEntry.findMany({ where: { accountId: dbId(accountId), kind: 'WITHDRAWAL' } });
    expect(rows).toHaveLength(6);
    expect(rows.reduce((sum, e) => sum.plus(e.amount), D(0)).toFixed()).toBe('-900');
    expect((await readBalances(key)).assets).toEqual([{ asset: 'USDT', free: '0', locked: '100', total: '100' }]);
    expect((await reconcileRunningBalances(prisma())).differences.filter((d) => d.accountId === dbId(accountId))).toEqual([]);
  });

  test("another user's account is NOT_FOUND; bad input is BAD_USER_INPUT naming the field; nothing is booked", async () => {
    const { key, id: userId, accountId } = await funded('1000');
    const aliceAccount = await prisma().exchangeAccount.findFirstOrThrow({ where: { userId: alice.id } });
    const aliceEntries = await prisma().ledgerEntry.count({ where: { accountId: aliceAccount.id } });
    await fails(gw.execute(WITHDRAW, withdrawal(toGlobalId('ExchangeAccount', aliceAccount.id), '1', 'steal'), key), 'NOT_FOUND');
    expect(await prisma().ledgerEntry.count({ where: { accountId: aliceAccount.id } })).toBe(aliceEntries);
    for (const [variables, field] of [
      [withdrawal(accountId, '0', 'r'), 'input.amount'],
      [withdrawal(accountId, '-5', 'r'), 'input.amount'],
      [withdrawal(accountId, '1', 'r', 'usdt'), 'input.asset'],
      [withdrawal(accountId, '1', '   '), 'input.reference'],
      [withdrawal(accountId, '1', 'x'.repeat(101)), 'input.reference'],
      [withdrawal(toGlobalId('Position', 1), '1', 'r'), 'input.accountId'],
    ] as const) {
      const error = await fails(gw.execute(WITHDRAW, variables, key), 'BAD_USER_INPUT');
      expect({ variables, field: error.extensions?.field }).toEqual({ variables, field });
    }
    // The reference is required by the schema.
    const missing = await gw.http(WITHDRAW, { input: { accountId, asset: 'USDT', amount: '1' } }, key);
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await prisma().ledgerEntry.count({ where: { account: { userId }, kind: 'WITHDRAWAL' } })).toBe(0);
  });
});
