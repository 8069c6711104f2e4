import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { codeOf, fails, ok } from './helpers/responses';

// Mark prices (#15 item 4): recorded per user, newest observation wins, and every valuation
// (Position.unrealizedPnl, BalanceSummary.equity) is priced at read time, never from the cache.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const RECORD = `mutation($input: [MarkPriceInput!]!) { recordMarkPrices(input: $input) { markPrices { symbol price at } } }`;
const ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } position { id } } }`;
const POSITIONS = `{ positions(first: 50) { edges { node { symbol side status quantity entryPrice markPrice markPriceAt unrealizedPnl } } } }`;
const SUMMARY = `{ balances { fromCache realizedPnl realizedPnlByAsset { asset amount } openPositions
  assets { asset total } equity { asset balance unrealizedPnl equity openPositions unpricedPositions } } }`;

async function trader(prefix = 'marks') {
  const user = await gw.freshUser(prefix);
  const run = (query: string, variables: Record<string, unknown> = {}) => ok(gw.execute(query, variables, user.key));
  const accountId = (await run(`mutation { createExchangeAccount(input: { exchange: "paper", label: "main" }) { account { id } } }`)).createExchangeAccount.account.id;
  for (const asset of ['USDT', 'USD']) {
    await run(`mutation($a: ID!, $asset: String!) { deposit(input: { accountId: $a, asset: $asset, amount: "100000" }) { entry { id } } }`, { a: accountId, asset });
  }
  const order = (symbol: string, side: 'BUY' | 'SELL', quantity: string, price: string, positionId?: string) =>
    run(ORDER, { input: { accountId, symbol, side, type: 'MARKET', quantity, price, positionId } });
  const record = (input: Array<{ symbol: string; price: string | number; at?: string }>) => run(RECORD, { input });
  return { ...user, run, accountId, order, record };
}

describe('recordMarkPrices', () => {
  test('keeps the latest price per symbol, in BASE-QUOTE, and answers in input order', async () => {
    const t = await trader();
    const first = await t.record([
      { symbol: 'BTCUSDT', price: '50000', at: '2026-12-01T10:00:00.000Z' },
      { symbol: 'ETH-USDT', price: 3000.5 },
    ]);
    expect(first.recordMarkPrices.markPrices.map((m: any) => [m.symbol, m.price])).toEqual([
      ['BTC-USDT', '50000'],
      ['ETH-USDT', '3000.5'],
    ]);
    expect(first.recordMarkPrices.markPrices[0].at).toBe('2026-12-01T10:00:00.000Z');
    // A newer observation replaces it; an older one (a late message) leaves it; in one call the newest wins.
    await t.record([{ symbol: 'BTC-USDT', price: '51000', at: '2026-12-01T11:00:00.000Z' }]);
    const late = await t.record([{ symbol: 'BTC-USDT', price: '49000', at: '2026-12-01T10:30:00.000Z' }]);
    expect(late.recordMarkPrices.markPrices).toEqual([{ symbol: 'BTC-USDT', price: '51000', at: '2026-12-01T11:00:00.000Z' }]);
    const batch = await t.record([
      { symbol: 'SOLUSDT', price: '190', at: '2026-12-01T12:00:00.000Z' },
      { symbol: 'SOL-USDT', price: '180', at: '2026-12-01T11:00:00.000Z' },
    ]);
    expect(batch.recordMarkPrices.markPrices).toEqual([{ symbol: 'SOL-USDT', price: '190', at: '2026-12-01T12:00:00.000Z' }]);
    const listed = await t.run(`{ markPrices { symbol price } only: markPrices(symbols: ["SOLUSDT"]) { symbol price } }`);
    expect(listed).toEqual({
      markPrices: [
        { symbol: 'BTC-USDT', price: '51000' },
        { symbol: 'ETH-USDT', price: '3000.5' },
        { symbol: 'SOL-USDT', price: '190' },
      ],
      only: [{ symbol: 'SOL-USDT', price: '190' }],
    });
  });

  test.each([
    ['no prices', [], 'input'],
    ['a price of 0', [{ symbol: 'BTC-USDT', price: '0' }], 'input[0].price'],
    ['an unknown symbol form', [{ symbol: 'BTC-USDT', price: '1' }, { symbol: 'BTC/USDT', price: '1' }], 'input[1].symbol'],
    ['an observation from the future', [{ symbol: 'BTC-USDT', price: '1', at: '2999-01-01T00:00:00.000Z' }], 'input[0].at'],
    ['more than 500 prices', Array.from({ length: 501 }, (_, i) => ({ symbol: `C${i}-USDT`, price: '1' })), 'input'],
  ])('%s is BAD_USER_INPUT naming the field, and records nothing', async (_, input, field) => {
    const t = await trader();
    const error = await fails(gw.execute(RECORD, { input }, t.key), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe(field);
    expect(await t.run(`{ markPrices { symbol } }`)).toEqual({ markPrices: [] });
  });
});

describe('valuation at mark prices', () => {
  test('Position.markPrice and unrealizedPnl for LONG and SHORT; closed or unpriced positions have none', async () => {
    const t = await trader();
    await t.order('BTC-USDT', 'BUY', '0.5', '40000');
    await t.order('ETH-USDT', 'SELL', '2', '3000');
    const closed = (await t.order('SOL-USDT', 'BUY', '1', '100')).createOrder.position.id;
    await t.run(`mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "110" }) { position { id } } }`, { p: closed });
    const unpriced = await t.run(POSITIONS);
    expect(unpriced.positions.edges.map((e: any) => [e.node.symbol, e.node.markPrice, e.node.unrealizedPnl])).toEqual([
      ['SOL-USDT', null, null],
      ['ETH-USDT', null, null],
      ['BTC-USDT', null, null],
    ]);
    await t.record([
      { symbol: 'BTC-USDT', price: '42000.5' },
      { symbol: 'ETH-USDT', price: '3100' },
      { symbol: 'SOL-USDT', price: '120' },
    ]);
    const priced = await gw.execute(POSITIONS, {}, t.key);
    expect(priced.errors).toBeUndefined();
    expect(priced.data.positions.edges.map((e: any) => [e.node.symbol, e.node.side, e.node.markPrice, e.node.unrealizedPnl])).toEqual([
      ['SOL-USDT', 'LONG', '120', null], // closed: its PnL is realized
      ['ETH-USDT', 'SHORT', '3100', '-200'], // (3000 - 3100) x 2
      ['BTC-USDT', 'LONG', '42000.5', '1000.25'], // (42000.5 - 40000) x 0.5
    ]);
    expect(priced.data.positions.edges[0].node.markPriceAt).toEqual(expect.any(String));
    // The three positions' prices are one statement, as for one position.
    const one = await gw.execute(`{ positions(first: 1) { edges { node { markPrice unrealizedPnl } } } }`, {}, t.key);
    expect(priced.statements).toBe(one.statements);
  });

  test('equity per quote asset, realized PnL per quote asset (USD and USDT never added together)', async () => {
    const t = await trader();
    await t.order('BTC-USDT', 'BUY', '1', '40000');
    const eur = (await t.order('EUR-USD', 'SELL', '1000', '1.1')).createOrder.position.id;
    const sol = (await t.order('SOL-USDT', 'BUY', '10', '100')).createOrder.position.id;
    await t.run(`mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "1.05" }) { position { id } } }`, { p: eur });
    await t.run(`mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "90" }) { position { id } } }`, { p: sol });
    await t.order('EUR-USD', 'BUY', '2000', '1.05');
    await t.record([{ symbol: 'BTCUSDT', price: '41000' }]);
    const { balances } = await t.run(SUMMARY);
    expect(balances.realizedPnl).toBeNull();
    expect(balances.realizedPnlByAsset).toEqual([
      { asset: 'USD', amount: '50' }, // SHORT 1000 from 1.1 to 1.05
      { asset: 'USDT', amount: '-100' }, // LONG 10 from 100 to 90
    ]);
    const usdt = balances.assets.find((a: any) => a.asset === 'USDT').total;
    const usd = balances.assets.find((a: any) => a.asset === 'USD').total;
    expect(balances.openPositions).toBe(2);
    expect(balances.equity).toEqual([
      // The EUR-USD LONG has no mark price: counted at its cost (2000 x 1.05).
      { asset: 'USD', balance: usd, unrealizedPnl: '0', equity: add(usd, '2100'), openPositions: 1, unpricedPositions: 1 },
      // The BTC LONG cost 40000 and is worth 41000.
      { asset: 'USDT', balance: usdt, unrealizedPnl: '1000', equity: add(usdt, '41000'), openPositions: 1, unpricedPositions: 0 },
    ]);
  });

  test('realizedPnl stays the plain sum while PnL is in one quote asset', async () => {
    const t = await trader();
    const p = (await t.order('BTC-USDT', 'BUY', '1', '100')).createOrder.position.id;
    expect((await t.run(SUMMARY)).balances.realizedPnl).toBe('0');
    await t.run(`mutation($p: ID!) { closePosition(input: { positionId: $p, exitPrice: "150.5" }) { position { id } } }`, { p });
    const { balances } = await t.run(SUMMARY);
    expect([balances.realizedPnl, balances.realizedPnlByAsset]).toEqual(['50.5', [{ asset: 'USDT', amount: '50.5' }]]);
  });

  test('prices are never served from the balance cache: a cached summary is valued at the current price', async () => {
    const t = await trader();
    await t.order('BTC-USDT', 'BUY', '2', '40000');
    await t.record([{ symbol: 'BTC-USDT', price: '40500' }]);
    const first = (await t.run(SUMMARY)).balances;
    const cached = (await t.run(SUMMARY)).balances;
    expect([first.fromCache, cached.fromCache]).toEqual([false, true]);
    expect(cached.equity.find((e: any) => e.asset === 'USDT').unrealizedPnl).toBe('1000');
    await t.record([{ symbol: 'BTC-USDT', price: '39000' }]);
    const after = (await t.run(SUMMARY)).balances;
    // Recording a price leaves the cached figures valid (fromCache) and the valuation current.
    expect(after.fromCache).toBe(true);
    expect(after.equity.find((e: any) => e.asset === 'USDT').unrealizedPnl).toBe('-2000');
  });

  test("one user's prices never value another user's positions", async () => {
    const a = await trader();
    const b = await trader();
    await a.order('BTC-USDT', 'BUY', '1', '40000');
    await b.order('BTC-USDT', 'BUY', '1', '40000');
    await a.record([{ symbol: 'BTC-USDT', price: '50000' }]);
    await b.record([{ symbol: 'BTC-USDT', price: '1' }]);
    const unrealized = async (who: typeof a) => (await who.run(POSITIONS)).positions.edges[0].node.unrealizedPnl;
    expect([await unrealized(a), await unrealized(b)]).toEqual(['10000', '-39999']);
    expect(codeOf(await gw.execute(`{ markPrices { symbol } }`))).toBe('UNAUTHENTICATED');
  });
});

function add(a: string, b: string): string {
  // Exact decimal sum of two non-negative decimal strings (the test's own oracle, no Decimal.js).
  const scale = Math.max((a.split('.')[1] ?? '').length, (b.split('.')[1] ?? '').length);
  const units = (x: string) => BigInt(x.replace('.', '') + '0'.repeat(scale - (x.split('.')[1] ?? '').length));
  const sum = (units(a) + units(b)).toString().padStart(scale + 1, '0');
  const whole = sum.slice(0, sum.length - scale);
  const fraction = sum.slice(sum.length - scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
