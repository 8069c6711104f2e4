// The operations the benchmark measures: the same request body goes to every mode (the batched
// gateway, the naive gateway and the raw-SQL server, which routes on `operationName`).

export interface BenchOperation {
  /** Row key of the table and of latest.json. */
  name: string;
  /** The page size of its connections (`first`), or null where none applies. */
  pageSize: number | null;
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
  /** Fields that legitimately differ between two answers (removed before comparing). */
  volatile?: string[];
  /** Measured with autocannon at fixed concurrency (balances misses are measured in sequence). */
  load: boolean;
}

/** items → identifiers, events, circuits → owner: a list page with three relations and a nested one. */
export const NESTED_ITEMS = `query NestedItems($n: Int!) {
  items(first: $n) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id dfid aliases confidenceScore legacyMode createdAt
      identifiers { key value }
      events(first: $n) { totalCount edges { node { id type occurredAt source data } } }
      circuits(first: $n) { edges { node { id name owner { id username } } } }
    } }
  }
}`;

/** sessions → trades → position → orders. */
export const SESSIONS = `query SessionsTrades($n: Int!) {
  tradingSessions(first: $n) {
    edges { node {
      id sessionKey status startedAt
      trades(first: $n) { edges { node {
        id tradeId executedAt symbol direction action volume entryPrice pnl isPaper
        position { id symbol side quantity entryPrice status
          orders(first: $n) { edges { node { id type side status price } } } }
      } } }
    } }
  }
}`;

/** circuits → members → user, and items. */
export const CIRCUITS = `query CircuitsMembersItems($n: Int!) {
  circuits(first: $n) {
    edges { node {
      id name viewerRole
      members(first: $n) { edges { node { role joinedAt user { id username } } } }
      items(first: $n) { edges { node { id dfid } } }
    } }
  }
}`;

/** One item by dfid with everything on it. */
export const ITEM_BY_DFID = `query ItemByDfid($dfid: String!) {
  item(dfid: $dfid) {
    id dfid aliases fingerprint confidenceScore legacyMode createdAt updatedAt
    owner { id username }
    identifiers { key value }
    sources { source entryRef receivedAt }
    events(first: 20) { totalCount edges { node { id type occurredAt source data } } }
    circuits(first: 20) { edges { node { id name } } }
  }
}`;

export const BALANCES = `query Balances {
  balances {
    fromCache computedAt realizedPnl openPositions
    assets { asset free locked total }
    accounts { account { id label } assets { asset free locked total } }
  }
}`;

export const INVALIDATE = `mutation InvalidateBalances { invalidateBalanceCache }`;

export const TYPENAME = `query Trivial { __typename }`;

export const NESTED_PAGE_SIZES = [10, 50, 100] as const;
/** The page size of the other list operations (the API's default page). */
export const LIST_PAGE_SIZE = 20;

export function benchOperations(sampleDfid: string): BenchOperation[] {
  return [
    ...NESTED_PAGE_SIZES.map((n) => ({
      name: 'nestedItems',
      pageSize: n,
      operationName: 'NestedItems',
      query: NESTED_ITEMS,
      variables: { n },
      load: true,
    })),
    { name: 'sessionsTrades', pageSize: LIST_PAGE_SIZE, operationName: 'SessionsTrades', query: SESSIONS, variables: { n: LIST_PAGE_SIZE }, load: true },
    { name: 'circuitsMembersItems', pageSize: LIST_PAGE_SIZE, operationName: 'CircuitsMembersItems', query: CIRCUITS, variables: { n: LIST_PAGE_SIZE }, load: true },
    { name: 'itemByDfid', pageSize: 20, operationName: 'ItemByDfid', query: ITEM_BY_DFID, variables: { dfid: sampleDfid }, load: true },
    { name: 'balancesHit', pageSize: null, operationName: 'Balances', query: BALANCES, variables: {}, volatile: ['fromCache', 'computedAt'], load: true },
    { name: 'balancesMiss', pageSize: null, operationName: 'Balances', query: BALANCES, variables: {}, volatile: ['fromCache', 'computedAt'], load: false },
    { name: 'typename', pageSize: null, operationName: 'Trivial', query: TYPENAME, variables: {}, load: true },
  ];
}

/** The page sizes at which statements are counted, to show they do not depend on it. */
export const STATEMENT_PAGE_SIZES = [2, 10, 50, 100] as const;
/**
 * Naive counts stop at 50 for the operations whose fan-out explodes (sessions → trades →
 * position → orders at 100 is ~10 000 statements fired at once, which outwaits the pool's
 * connection timeout in process); the measured page sizes are always counted.
 */
export const NAIVE_STATEMENT_PAGE_SIZES = [2, 10, 50] as const;

export const requestBody = (operation: Pick<BenchOperation, 'operationName' | 'query' | 'variables'>): string =>
  JSON.stringify({ operationName: operation.operationName, query: operation.query, variables: operation.variables });
