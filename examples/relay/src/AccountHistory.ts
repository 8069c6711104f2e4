// The open orders and an account's history as a frontend lists them: Relay pagination over
// Query.orders (filtered) and over ExchangeAccount.ledgerEntries, refetched by the account's ID.
import { graphql } from 'relay-runtime';

export const openOrdersFragment = graphql`
  fragment AccountHistory_openOrders on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" })
  @refetchable(queryName: "AccountHistoryOpenOrdersPaginationQuery") {
    orders(first: $first, after: $after, filter: { status: NEW }) @connection(key: "AccountHistory_orders", filters: ["filter"]) {
      edges {
        node {
          id
          symbol
          side
          type
          price
          quantity
        }
      }
    }
  }
`;

export const ledgerFragment = graphql`
  fragment AccountHistory_ledger on ExchangeAccount
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 50 }
    after: { type: "String" }
    filter: { type: "LedgerEntryFilter" }
  )
  @refetchable(queryName: "AccountHistoryLedgerPaginationQuery") {
    label
    ledgerEntries(first: $first, after: $after, filter: $filter) @connection(key: "AccountHistory_ledgerEntries", filters: ["filter"]) {
      edges {
        node {
          id
          kind
          asset
          amount
          createdAt
        }
      }
    }
  }
`;
