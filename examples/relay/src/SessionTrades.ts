import { graphql } from 'relay-runtime';

export const sessionTradesFragment = graphql`
  fragment SessionTrades_session on TradingSession
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" })
  @refetchable(queryName: "SessionTradesRefetchQuery") {
    totalTrades
    trades(first: $first, after: $after) @connection(key: "SessionTrades_trades") {
      edges {
        node {
          id
          symbol
          pnl
        }
      }
    }
  }
`;
