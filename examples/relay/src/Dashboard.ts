// Relay documents as a frontend team writes them against schema.graphql. `npm run relay:check`
// compiles them with relay-compiler (CI runs it): the schema must be valid for Relay, its
// connections usable with @connection and its Node types with @refetchable.
import { graphql } from 'relay-runtime';

export const dashboardQuery = graphql`
  query DashboardQuery($first: Int = 10, $after: String) {
    viewer {
      id
      username
    }
    ...Dashboard_items @arguments(first: $first, after: $after)
    ...Dashboard_sessions
    ...Dashboard_positions
  }
`;

export const itemsFragment = graphql`
  fragment Dashboard_items on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" })
  @refetchable(queryName: "DashboardItemsPaginationQuery") {
    items(first: $first, after: $after) @connection(key: "Dashboard_items") {
      edges {
        node {
          id
          ...ItemCard_item
        }
      }
    }
  }
`;

export const sessionsFragment = graphql`
  fragment Dashboard_sessions on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 5 }, after: { type: "String" })
  @refetchable(queryName: "DashboardSessionsPaginationQuery") {
    tradingSessions(first: $first, after: $after) @connection(key: "Dashboard_tradingSessions") {
      edges {
        node {
          id
          sessionKey
          status
          ...SessionTrades_session
        }
      }
    }
  }
`;

export const positionsFragment = graphql`
  fragment Dashboard_positions on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 5 }, after: { type: "String" })
  @refetchable(queryName: "DashboardPositionsPaginationQuery") {
    positions(first: $first, after: $after, status: OPEN) @connection(key: "Dashboard_positions", filters: ["status"]) {
      edges {
        node {
          id
          symbol
          quantity
        }
      }
    }
  }
`;
