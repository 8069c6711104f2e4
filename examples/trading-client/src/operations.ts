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

export const balancesQuery = graphql(`
  query Balances {
    balances {
      fromCache
      computedAt
      openPositions
      realizedPnl
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
  }
`);

export const createExchangeAccountMutation = graphql(`
  mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {
    createExchangeAccount(input: $input) {
      id
      exchange
      label
    }
  }
`);

export const depositMutation = graphql(`
  mutation Deposit($input: DepositInput!) {
    deposit(input: $input) {
      id
      asset
      amount
      kind
    }
  }
`);

export const createOrderMutation = graphql(`
  mutation CreateOrder($input: CreateOrderInput!) {
    createOrder(input: $input) {
      id
      symbol
      side
      type
      quantity
      price
      status
      filledAt
      position {
        id
        side
        quantity
        entryPrice
      }
    }
  }
`);
