import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { ok } from './helpers/responses';
import { subscribe, waitUntil, wsUrl } from './helpers/graphql-ws';

// The summary a dashboard sees after each trading mutation: in the mutation's payload (read after
// its commit, never the cached one from before), in `balancesChanged(initial: true)` (the current
// summary first, then one per change) and after new mark prices (valued at read time).

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

async function trader() {
  const user = await gw.freshUser('live');
  const run = (query: string, variables: Record<string, unknown> = {}) => ok(gw.http(query, variables, user.key));
  const created = await run(`mutation { createExchangeAccount(input: { exchange: "paper", label: "main" }) { account { id } balances { accounts { account { id } } } } }`);
  return { ...user, run, accountId: created.createExchangeAccount.account.id as string, created };
}

/** A client of `key`'s and one subscription's results on it. */
function pushesOf(key: string, query: string) {
  const client = createClient({ url: wsUrl(gw), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, retryAttempts: 0 });
  clients.push(client);
  return subscribe(client, query);
}

const usdt = (summary: any) => summary.assets.find((a: { asset: string }) => a.asset === 'USDT') ?? { total: '0', free: '0', locked: '0' };
const SUMMARY = `fromCache assets { asset free locked total } openPositions equity { asset unrealizedPnl }`;

test("every trading mutation's payload carries the summary as of its commit, though the one before was cached", async () => {
  const t = await trader();
  expect(t.created.createExchangeAccount.balances.accounts).toEqual([{ account: { id: t.accountId } }]);
  const primed = async () => {
    await t.run(`{ balances { fromCache } }`);
    expect((await t.run(`{ balances { fromCache } }`)).balances.fromCache).toBe(true);
  };
  await primed();
  const deposit = (await t.run(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "1000" }) { account { id } balances { ${SUMMARY} } } }`, { a: t.accountId })).deposit;
  expect([deposit.account.id, deposit.balances.fromCache, usdt(deposit.balances).total]).toEqual([t.accountId, false, '1000']);

  await primed();
  const withdraw = (await t.run(`mutation($a: ID!) { withdraw(input: { accountId: $a, asset: "USDT", amount: "100", reference: "w1" }) { entry { amount } balances { ${SUMMARY} } } }`, { a: t.accountId })).withdraw;
  expect([withdraw.entry.amount, usdt(withdraw.balances).total]).toEqual(['-100', '900']);

  await primed();
  const limit = (
    await t.run(`mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTCUSDT", side: BUY, type: LIMIT, quantity: "0.01", price: "10000" }) { order { id status } position { id } account { id } balances { ${SUMMARY} } } }`, { a: t.accountId })
  ).createOrder;
  expect([limit.order.status, limit.position, limit.account.id, usdt(limit.balances)]).toEqual(['NEW', null, t.accountId, { asset: 'USDT', total: '900', free: '800', locked: '100' }]);

  await primed();
  const cancel = (await t.run(`mutation($o: ID!) { cancelOrder(id: $o) { order { status } balances { ${SUMMARY} } } }`, { o: limit.order.id })).cancelOrder;
  expect([cancel.order.status, usdt(cancel.balances).locked]).toEqual(['CANCELED', '0']);

  await primed();
  const fill = (
    await t.run(`mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "ETH-USDT", side: BUY, type: MARKET, quantity: "0.1", price: "2000" }) { order { status } position { id status quantity } balances { ${SUMMARY} } } }`, { a: t.accountId })
  ).createOrder;
  expect([fill.position.status, fill.position.quantity, fill.balances.openPositions, usdt(fill.balances).total]).toEqual(['OPEN', '0.1', 1, '699.8']);

  const protect = (await t.run(`mutation($p: ID!) { setPositionProtection(input: { positionId: $p, stopLoss: "1900" }) { position { stopLoss } account { id } } }`, { p: fill.position.id })).setPositionProtection;
  expect(protect).toEqual({ position: { stopLoss: '1900' }, account: { id: t.accountId } });

  await primed();
  const close = (await t.run(`mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "2100" }) { position { status realizedPnl } balances { ${SUMMARY} } } }`, { p: fill.position.id })).closePosition;
  expect([close.position.status, close.position.realizedPnl, close.balances.openPositions, usdt(close.balances).total]).toEqual(['CLOSED', '10', 0, '909.8']);
});

test('balancesChanged(initial: true) pushes the current summary first, then one per change; new mark prices push the new valuation', async () => {
  const t = await trader();
  await t.run(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "5000" }) { entry { id } } }`, { a: t.accountId });
  await t.run(`mutation($a: ID!) { createOrder(input: { accountId: $a, symbol: "BTC-USDT", side: BUY, type: MARKET, quantity: "0.1", price: "40000" }) { order { id } } }`, { a: t.accountId });
  const live = pushesOf(t.key, `subscription { balancesChanged(initial: true) { ${SUMMARY} } }`);
  const plain = pushesOf(t.key, `subscription { balancesChanged { ${SUMMARY} } }`);
  const [initial] = await live.waitFor(1);
  expect(initial!.errors).toBeUndefined();
  expect(usdt(initial!.data.balancesChanged).total).toBe('996'); // 5000 - 4000 - 4 (0.1 % fee)
  expect(initial!.data.balancesChanged.equity).toEqual([{ asset: 'USDT', unrealizedPnl: '0' }]);

  // The first push proves that subscription is live (the other one is, once the server counts it).
  await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 2);
  await t.run(`mutation { recordMarkPrices(input: [{ symbol: "BTCUSDT", price: "41000" }]) { markPrices { price } } }`);
  const [, priced] = await live.waitFor(2);
  expect(priced!.data.balancesChanged.equity).toEqual([{ asset: 'USDT', unrealizedPnl: '100' }]);
  await t.run(`mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "4" }) { entry { id } } }`, { a: t.accountId });
  const [, , deposited] = await live.waitFor(3);
  expect(usdt(deposited!.data.balancesChanged).total).toBe('1000');
  // Without `initial`, only the changes: the same two.
  const changes = await plain.waitFor(2);
  expect(changes.map((push) => usdt(push.data.balancesChanged).total)).toEqual(['996', '1000']);
  expect(live.results).toHaveLength(3);
});
