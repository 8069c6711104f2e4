import { randomUUID } from 'node:crypto';
import { createGatewayClient, GatewayError, type PersistedOutcome } from './client';
import type { BalanceSummaryFieldsFragment } from './gql/graphql';
import { watchBalances } from './live';
import {
  balancesQuery,
  createExchangeAccountMutation,
  createOrderMutation,
  depositMutation,
  exchangeAccountsQuery,
  openPositionsQuery,
  viewerQuery,
} from './operations';

// A typed client of the gateway in one script: log in with an API key, list the open positions,
// make sure there is a funded paper account, subscribe to the balances over WebSocket, place a
// MARKET order, and see the new balances twice: in the order's payload and in the push.
//
//   API_KEY=<key> GATEWAY_URL=http://localhost:4000/graphql npm run example:trading

const USAGE = `Usage: API_KEY=<key> [GATEWAY_URL=http://localhost:4000/graphql] npm run example:trading

  API_KEY      an API key of the gateway's (npm run apikey -- demo prints one)
  GATEWAY_URL  the GraphQL endpoint (default http://localhost:4000/graphql)
`;

/** The order the script places: 0.01 BTC at 50 000 USDT, on the built-in paper exchange. */
const ORDER = { symbol: 'BTC-USDT', side: 'BUY', type: 'MARKET', quantity: '0.01', price: '50000' } as const;
const QUOTE_ASSET = 'USDT';
/** What the script pays in when the account cannot pay for the order (and its commission). */
const DEPOSIT_AMOUNT = '10000';
const ACCOUNT_LABEL = 'trading-client';

async function main(): Promise<number> {
  const apiKey = process.env.API_KEY?.trim();
  const url = process.env.GATEWAY_URL?.trim() || 'http://localhost:4000/graphql';
  if (!apiKey) {
    process.stderr.write(`API_KEY is not set.\n\n${USAGE}`);
    return 2;
  }

  const persisted: Record<PersistedOutcome, number> = { hit: 0, miss: 0 };
  const request = createGatewayClient({
    url,
    apiKey,
    onPersisted(operationName, outcome) {
      persisted[outcome]++;
      log(`  · ${operationName}: persisted: ${outcome}${outcome === 'miss' ? ' (sent again with its text; registered)' : ' (hash only)'}`);
    },
  });

  log(`Gateway: ${url}`);
  const { viewer } = await request(viewerQuery);
  log(`Logged in as ${viewer.username}`);

  const { positions } = await request(openPositionsQuery, { first: 10 });
  log(`Open positions: ${positions.totalCount}${positions.totalCount > positions.edges.length ? ` (first ${positions.edges.length})` : ''}`);
  for (const { node } of positions.edges) {
    log(`  ${node.symbol} ${node.side} ${node.quantity} @ ${node.entryPrice} in ${node.account.label}`);
  }

  const { exchangeAccounts } = await request(exchangeAccountsQuery);
  let account = exchangeAccounts.find((candidate) => candidate.exchange === 'paper');
  if (account) {
    log(`Paper account: ${account.label}`);
  } else {
    ({
      createExchangeAccount: { account },
    } = await request(createExchangeAccountMutation, { input: { exchange: 'paper', label: ACCOUNT_LABEL } }));
    log(`Paper account: ${account.label} (created)`);
  }
  const accountId = account.id;

  const cost = multiply(ORDER.quantity, ORDER.price);
  let before = await request(balancesQuery);
  const free = quoteBalance(before.balances, accountId)?.free ?? '0';
  // The order's notional plus a commission of at most 1 % (the fee rate is configured on the gateway).
  if (compare(free, add(cost, multiply(cost, '0.01'))) < 0) {
    const {
      deposit: { entry },
    } = await request(depositMutation, {
      input: { accountId, asset: QUOTE_ASSET, amount: DEPOSIT_AMOUNT, reference: `trading-client-${randomUUID()}` },
    });
    log(`Deposited ${entry.amount} ${entry.asset} (free ${QUOTE_ASSET} was ${free})`);
    before = await request(balancesQuery);
  }
  printBalances('Balances before', before.balances, accountId);
  // Read again at once: within the gateway's cache TTL, this one comes from its balance cache.
  const again = await request(balancesQuery);
  printBalances('Balances again', again.balances, accountId);

  // Live balances: the first push is the current summary, so the subscription is live before the order.
  const live = await watchBalances(url, apiKey);
  try {
    const initial = await live.next();
    log(`Subscribed to balancesChanged: first push ${QUOTE_ASSET} total ${quoteBalance(initial, accountId)?.total ?? '0'}`);

    const { createOrder } = await request(createOrderMutation, {
      input: { accountId, ...ORDER, clientOrderId: `trading-client-${randomUUID()}` },
    });
    const { order, position } = createOrder;
    log(
      `Order: ${order.type} ${order.side} ${order.quantity} ${order.symbol} @ ${order.price}: ${order.status}` +
        (position ? `; position ${position.side} ${position.quantity} @ ${position.entryPrice}` : ''),
    );
    // The payload's summary is read after the order's commit: no second query needed.
    printBalances('Balances in the payload', createOrder.balances, accountId);
    const pushed = await live.next();
    printBalances('Balances pushed', pushed, accountId);

    const totalBefore = quoteBalance(again.balances, accountId)?.total ?? '0';
    const totalAfter = quoteBalance(pushed, accountId)?.total ?? '0';
    log(`Change: ${QUOTE_ASSET} total ${totalBefore} → ${totalAfter} (${signed(subtract(totalAfter, totalBefore))})`);
  } finally {
    await live.close();
  }
  log(`Persisted queries: ${persisted.hit} sent as a hash only, ${persisted.miss} registered`);
  return 0;
}

type Summary = BalanceSummaryFieldsFragment;

function quoteBalance(balances: Summary, accountId: string) {
  return balances.accounts.find((entry) => entry.account.id === accountId)?.assets.find((asset) => asset.asset === QUOTE_ASSET);
}

function printBalances(title: string, balances: Summary, accountId: string): void {
  log(`${title}: fromCache=${balances.fromCache} computedAt=${balances.computedAt} openPositions=${balances.openPositions}`);
  for (const { account, assets } of balances.accounts) {
    if (account.id !== accountId) continue;
    for (const asset of assets) log(`  ${account.label} ${asset.asset}: total ${asset.total}, free ${asset.free}, locked ${asset.locked}`);
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ─── Decimals: the API sends money as exact decimal strings; these keep them exact ──────────────

function parse(decimal: string): { units: bigint; scale: number } {
  const [whole = '0', fraction = ''] = decimal.replace(/^-/, '').split('.');
  const units = BigInt(whole + fraction);
  return { units: decimal.startsWith('-') ? -units : units, scale: fraction.length };
}

function align(a: string, b: string): [bigint, bigint, number] {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return [x.units * 10n ** BigInt(scale - x.scale), y.units * 10n ** BigInt(scale - y.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function add(a: string, b: string): string {
  const [x, y, scale] = align(a, b);
  return format(x + y, scale);
}

function subtract(a: string, b: string): string {
  const [x, y, scale] = align(a, b);
  return format(x - y, scale);
}

function multiply(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

function compare(a: string, b: string): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function signed(decimal: string): string {
  return decimal.startsWith('-') ? decimal : `+${decimal}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof GatewayError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
