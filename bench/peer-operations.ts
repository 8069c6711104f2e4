// The bench operations as the peers are asked them. PostGraphile's default preset names things
// its own way (allItems, itemEventsByItemId, circuitByCircuitId, rowId for the column `id`, `id`
// for its Node ID), so each operation is rewritten to that schema, with the same page sizes and
// orders as ours; `checks` pair a path in our answer with the same path in its answer, so that
// peer-check.ts can prove both return the same rows before anything is measured.
import type { BenchOperation } from './operations';

export const PEERS = ['postgraphile', 'bareApollo'] as const;
export type Peer = (typeof PEERS)[number];

export const PEER_LABELS: Record<Peer, string> = { postgraphile: 'PostGraphile', bareApollo: 'bare Apollo' };

/** A path through an answer: object keys, dot-separated; lists are walked through. */
export type Check = readonly [ours: string, theirs: string];

export type PeerServing = { served: true; operation: BenchOperation; checks: Check[] } | { served: false; reason: string };

const NESTED_ITEMS = `query NestedItems($n: Int!) {
  allItems(first: $n, orderBy: [ROW_ID_DESC]) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id dfid aliases confidenceScore legacyMode createdAt
      itemIdentifiersByItemId(orderBy: [ROW_ID_ASC]) { nodes { key value } }
      itemEventsByItemId(first: $n, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) { totalCount edges { node { id type occurredAt source data } } }
      circuitItemsByItemId(first: $n, orderBy: [PUSHED_AT_DESC, ROW_ID_DESC]) {
        edges { node { circuitByCircuitId { id name userByOwnerId { id username } } } }
      }
    } }
  }
}`;

const SESSIONS = `query SessionsTrades($n: Int!) {
  allTradingSessions(first: $n, orderBy: [STARTED_AT_DESC, ROW_ID_DESC]) {
    edges { node {
      id sessionKey status startedAt
      tradesBySessionId(first: $n, orderBy: [EXECUTED_AT_DESC, ROW_ID_DESC]) { edges { node {
        id tradeId executedAt symbol direction action volume entryPrice pnl isPaper
        positionByPositionId { id symbol side quantity entryPrice status
          ordersByPositionId(first: $n, orderBy: [ROW_ID_ASC]) { edges { node { id type side status price } } } }
      } } }
    } }
  }
}`;

const CIRCUITS = `query CircuitsMembersItems($n: Int!) {
  allCircuits(first: $n, orderBy: [ROW_ID_DESC]) {
    edges { node {
      id name viewerRole
      circuitMembersByCircuitId(first: $n, orderBy: [JOINED_AT_ASC, ROW_ID_ASC]) { edges { node { role joinedAt userByUserId { id username } } } }
      circuitItemsByCircuitId(first: $n, orderBy: [PUSHED_AT_DESC, ROW_ID_DESC]) { edges { node { itemByItemId { id dfid } } } }
    } }
  }
}`;

const ITEM_BY_DFID = `query ItemByDfid($dfid: String!) {
  itemByDfid(dfid: $dfid) {
    id dfid aliases fingerprint confidenceScore legacyMode createdAt updatedAt
    userByOwnerId { id username }
    itemIdentifiersByItemId(orderBy: [ROW_ID_ASC]) { nodes { key value } }
    itemSourcesByItemId(orderBy: [RECEIVED_AT_DESC, ROW_ID_DESC]) { nodes { source entryRef receivedAt } }
    itemEventsByItemId(first: 20, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) { totalCount edges { node { id type occurredAt source data } } }
    circuitItemsByItemId(first: 20, orderBy: [PUSHED_AT_DESC, ROW_ID_DESC]) { edges { node { circuitByCircuitId { id name } } } }
  }
}`;

// Checks compare values where both schemas encode them alike (keys, names, enums, counts) and
// the number of rows elsewhere; ids, instants and decimals are encoded differently by design.
const NESTED_CHECKS: Check[] = [
  ['items.edges', 'allItems.edges'],
  ['items.pageInfo.hasNextPage', 'allItems.pageInfo.hasNextPage'],
  ['items.edges.node.dfid', 'allItems.edges.node.dfid'],
  ['items.edges.node.identifiers.value', 'allItems.edges.node.itemIdentifiersByItemId.nodes.value'],
  ['items.edges.node.events.totalCount', 'allItems.edges.node.itemEventsByItemId.totalCount'],
  ['items.edges.node.events.edges.node.type', 'allItems.edges.node.itemEventsByItemId.edges.node.type'],
  ['items.edges.node.circuits.edges.node.name', 'allItems.edges.node.circuitItemsByItemId.edges.node.circuitByCircuitId.name'],
  [
    'items.edges.node.circuits.edges.node.owner.username',
    'allItems.edges.node.circuitItemsByItemId.edges.node.circuitByCircuitId.userByOwnerId.username',
  ],
];

const T = 'allTradingSessions.edges.node.tradesBySessionId.edges.node';
const SESSION_CHECKS: Check[] = [
  ['tradingSessions.edges.node.sessionKey', 'allTradingSessions.edges.node.sessionKey'],
  ['tradingSessions.edges.node.trades.edges.node.tradeId', `${T}.tradeId`],
  ['tradingSessions.edges.node.trades.edges.node.action', `${T}.action`],
  ['tradingSessions.edges.node.trades.edges.node.position', `${T}.positionByPositionId`],
  ['tradingSessions.edges.node.trades.edges.node.position.status', `${T}.positionByPositionId.status`],
  ['tradingSessions.edges.node.trades.edges.node.position.orders.edges.node.type', `${T}.positionByPositionId.ordersByPositionId.edges.node.type`],
  ['tradingSessions.edges.node.trades.edges.node.position.orders.edges.node.status', `${T}.positionByPositionId.ordersByPositionId.edges.node.status`],
];

const CIRCUIT_CHECKS: Check[] = [
  ['circuits.edges.node.name', 'allCircuits.edges.node.name'],
  ['circuits.edges.node.viewerRole', 'allCircuits.edges.node.viewerRole'],
  ['circuits.edges.node.members.edges.node.role', 'allCircuits.edges.node.circuitMembersByCircuitId.edges.node.role'],
  ['circuits.edges.node.members.edges.node.user.username', 'allCircuits.edges.node.circuitMembersByCircuitId.edges.node.userByUserId.username'],
  ['circuits.edges.node.items.edges.node.dfid', 'allCircuits.edges.node.circuitItemsByCircuitId.edges.node.itemByItemId.dfid'],
];

const ITEM_CHECKS: Check[] = [
  ['item.dfid', 'itemByDfid.dfid'],
  ['item.fingerprint', 'itemByDfid.fingerprint'],
  ['item.owner.username', 'itemByDfid.userByOwnerId.username'],
  ['item.identifiers.value', 'itemByDfid.itemIdentifiersByItemId.nodes.value'],
  ['item.sources.entryRef', 'itemByDfid.itemSourcesByItemId.nodes.entryRef'],
  ['item.events.totalCount', 'itemByDfid.itemEventsByItemId.totalCount'],
  ['item.events.edges.node.type', 'itemByDfid.itemEventsByItemId.edges.node.type'],
  ['item.circuits.edges.node.name', 'itemByDfid.circuitItemsByItemId.edges.node.circuitByCircuitId.name'],
];

const TRIVIAL_CHECKS: Check[] = [['__typename', '__typename']];

const POSTGRAPHILE: Record<string, { query: string; checks: Check[] } | string> = {
  nestedItems: { query: NESTED_ITEMS, checks: NESTED_CHECKS },
  sessionsTrades: { query: SESSIONS, checks: SESSION_CHECKS },
  circuitsMembersItems: { query: CIRCUITS, checks: CIRCUIT_CHECKS },
  itemByDfid: { query: ITEM_BY_DFID, checks: ITEM_CHECKS },
  // It touches no table (and so does not authenticate): the GraphQL layer alone.
  typename: { query: 'query Trivial { __typename }', checks: TRIVIAL_CHECKS },
  balancesHit: 'no balances: a per-user aggregate behind a cache with explicit invalidation is the product’s own code, not a table',
  balancesMiss: 'no balances: a per-user aggregate behind a cache with explicit invalidation is the product’s own code, not a table',
};

/** What a peer is asked for an operation, or why it is not asked. */
export function peerServing(peer: Peer, operation: BenchOperation): PeerServing {
  if (peer === 'bareApollo') {
    return operation.name === 'typename'
      ? { served: true, operation, checks: TRIVIAL_CHECKS }
      : { served: false, reason: 'bare Apollo has a schema of one field: it serves { __typename } only' };
  }
  const entry = POSTGRAPHILE[operation.name];
  if (entry === undefined) return { served: false, reason: 'not rewritten for PostGraphile' };
  if (typeof entry === 'string') return { served: false, reason: entry };
  return { served: true, operation: { ...operation, query: entry.query }, checks: entry.checks };
}

/** The peers that serve an operation, in PEERS order. */
export const peersServing = (operation: BenchOperation): Peer[] => PEERS.filter((peer) => peerServing(peer, operation).served);
