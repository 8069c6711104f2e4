import { graphql } from 'relay-runtime';

/** A Node type's fragment, refetchable by its global id through `node(id:)`. */
export const itemCardFragment = graphql`
  fragment ItemCard_item on Item
  @argumentDefinitions(first: { type: "Int", defaultValue: 5 }, after: { type: "String" })
  @refetchable(queryName: "ItemCardRefetchQuery") {
    dfid
    identifiers {
      key
      value
    }
    events(first: $first, after: $after) @connection(key: "ItemCard_events") {
      edges {
        node {
          id
          type
          occurredAt
        }
      }
    }
  }
`;
