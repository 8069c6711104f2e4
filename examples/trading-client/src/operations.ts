import { graphql } from './gql';

// The operations the example sends. `npm run example:codegen` reads them and writes ./gql:
// each constant below is then typed with its result and variables, and carries its SHA-256 hash.

export const viewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      username
    }
  }
`);

export const openPositionsQuery = graphql(`
  query OpenPositions($first: Int) {
    positions(first: $first, status: OPEN) {
      totalCount
      edges {
        node {
          id
          symbol
          side
          quantity
          entryPrice
          account {
            label
          }
        }
      }
    }
  }
`);

export const exchangeAccountsQuery = graphql(`
  query ExchangeAccounts {
    exchangeAccounts {
      id
      exchange
      label
    }
  }
`);

// One selection of the summary for the query, the payloads and the pushes: every view of it has
// the same fields (and its stable id lets a normalizing cache merge them).
export const balanceSummaryFields = graphql(`
  fragment BalanceSummaryFields on BalanceSummary {
    id
    fromCache
    computedAt
    openPositions
    realizedPnlByAsset {
      asset
      amount
    }
    equity {
      asset
      equity
      unrealizedPnl
    }
    accounts {
      account {
        id
        label
      }
      assets {
        asset
        free
        locked
        total
      }
    }
  }
`);

export const balancesQuery = graphql(`
  query Balances {
    balances {
      ...BalanceSummaryFields
    }
  }
`);

/** Pushed by the gateway over WebSocket: first the current summary (`initial`), then after each change. */
export const balancesChangedSubscription = graphql(`
  subscription BalancesChanged {
    balancesChanged(initial: true) {
      ...BalanceSummaryFields
    }
  }
`);

export const createExchangeAccountMutation = graphql(`
  mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {
    createExchangeAccount(input: $input) {
      account {
        id
        exchange
        label
      }
    }
  }
`);

export const depositMutation = graphql(`
  mutation Deposit($input: DepositInput!) {
    deposit(input: $input) {
      entry {
        id
        asset
        amount
        kind
      }
    }
  }
`);

/** The payload carries the order, the position it moved and the summary as of its commit. */
export const createOrderMutation = graphql(`
  mutation CreateOrder($input: CreateOrderInput!) {
    createOrder(input: $input) {
      order {
        id
        symbol
        side
        type
        quantity
        price
        status
        filledAt
      }
      position {
        id
        side
        quantity
        entryPrice
      }
      balances {
        ...BalanceSummaryFields
      }
    }
  }
`);
