// Trading mutations as a Relay app writes them: each payload carries the changed objects and the
// viewer's summary (BalanceSummary has a stable id), so the store updates every view in place; a
// new order joins the open-orders connection with @prependNode, without a refetch.
import { graphql } from 'relay-runtime';

export const balancesFragment = graphql`
  fragment TradingMutations_balances on BalanceSummary {
    id
    fromCache
    openPositions
    assets {
      asset
      free
      locked
      total
    }
    equity {
      asset
      equity
      unrealizedPnl
    }
  }
`;

export const placeOrderMutation = graphql`
  mutation TradingMutationsPlaceOrderMutation($input: CreateOrderInput!, $connections: [ID!]!) {
    createOrder(input: $input) {
      order @prependNode(connections: $connections, edgeTypeName: "OrderEdge") {
        id
        status
        symbol
        side
        type
        price
        quantity
      }
      position {
        id
        quantity
        entryPrice
        unrealizedPnl
      }
      balances {
        ...TradingMutations_balances
      }
    }
  }
`;

export const cancelOrderMutation = graphql`
  mutation TradingMutationsCancelOrderMutation($id: ID!, $connections: [ID!]!) {
    cancelOrder(id: $id) {
      order {
        id @deleteEdge(connections: $connections)
        status
      }
      balances {
        ...TradingMutations_balances
      }
    }
  }
`;

export const depositMutation = graphql`
  mutation TradingMutationsDepositMutation($input: DepositInput!) {
    deposit(input: $input) {
      entry {
        id
        amount
      }
      balances {
        ...TradingMutations_balances
      }
    }
  }
`;

export const recordMarkPricesMutation = graphql`
  mutation TradingMutationsRecordMarkPricesMutation($input: [MarkPriceInput!]!) {
    recordMarkPrices(input: $input) {
      markPrices {
        symbol
        price
        at
      }
      balances {
        ...TradingMutations_balances
      }
    }
  }
`;
