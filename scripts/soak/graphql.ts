// The documents the soak sends and the one way it sends them: a POST that never throws, so that
// every failure (HTTP status, GraphQL error, network) can be counted where it happened.
import { parseGlobalId } from '../../src/graphql/global-id';
import { dec, type Effect } from './model';

export const DOCUMENTS = {
  createAccount: `mutation { createExchangeAccount(input: { exchange: "paper", label: "soak" }) { account { id } } }`,
  startSession: `mutation($key: String!) { startTradingSession(input: { sessionKey: $key, initialBalance: "100000", symbols: ["BTC-USDT"] }) { id } }`,
  storeItem: `mutation($dfid: String!, $value: String!) { storeItem(input: { dfid: $dfid, source: "soak", identifiers: [{ key: "lot", value: $value }] }) { id } }`,
  recordEvent: `mutation($dfid: String!, $type: String!) { recordItemEvent(input: { dfid: $dfid, type: $type, source: "soak" }) { id } }`,
  items: `query Items { items(first: 20) { totalCount edges { node { dfid identifiers { key value } events(first: 3) { totalCount edges { node { type occurredAt } } } } } } }`,
  positions: `query Positions { positions(first: 10, status: OPEN) { totalCount edges { node { id symbol quantity entryPrice orders(first: 5) { edges { node { type status price } } } } } } }`,
  sessions: `query Sessions { tradingSessions(first: 3) { edges { node { sessionKey totalTrades totalPnl trades(first: 5) { edges { node { tradeId pnl } } } } } } }`,
  balances: `query Balances { balances { fromCache realizedPnl openPositions assets { asset free locked total } } }`,
  deposit: `mutation Deposit($account: ID!, $amount: Decimal!, $ref: String!) { deposit(input: { accountId: $account, asset: "USDT", amount: $amount, reference: $ref }) { entry { id amount reference } } }`,
  order: `mutation Order($input: CreateOrderInput!) { createOrder(input: $input) { order { id status type quantity price position { id quantity entryPrice status } } } }`,
  cancel: `mutation Cancel($id: ID!) { cancelOrder(id: $id) { order { id status } } }`,
  trade: `mutation Trade($input: LogTradeInput!) { logTrade(input: $input) { id tradeId pnl } }`,
};

export interface Answer {
  /** 200, data, and no errors. */
  ok: boolean;
  status: number | 'network';
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  message?: string;
}

export async function call(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: any; errors?: Answer['errors'] };
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: response.status, message: `not JSON: ${text.slice(0, 200)}` };
    }
    const ok = response.status === 200 && !body.errors?.length && body.data != null;
    return { ok, status: response.status, data: body.data, errors: body.errors, message: body.errors?.[0]?.message };
  } catch (error) {
    return { ok: false, status: 'network', message: String((error as Error).cause ?? error) };
  }
}

/** The database id inside a global id. */
export const idOf = (globalId: string) => parseGlobalId(globalId)!.id;

/** A `balances` answer as the model counts it: the USDT asset, realized PnL and open positions. */
export function balanceEffect(read: Answer): Effect {
  const balances = read.data.balances;
  const usdt = (balances.assets as Array<{ asset: string; total: string; locked: string }>).find((asset) => asset.asset === 'USDT');
  return {
    total: dec(usdt?.total ?? 0),
    locked: dec(usdt?.locked ?? 0),
    realizedPnl: dec(balances.realizedPnl),
    openPositions: balances.openPositions,
  };
}
