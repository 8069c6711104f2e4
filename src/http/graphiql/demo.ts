/**
 * What a first visit to /graphiql (and, if server.ts passes it on, Apollo Sandbox) starts with:
 * the README's demo query, and an Authorization header waiting for a key.
 */
export const DEMO_QUERY = `# GraphiQL, served by the gateway itself (works offline).
#
# 1. The key: in development on the embedded database
#    npm start prints one, already in the Headers tab.
#    Elsewhere: npm run apikey -- demo
# 2. Paste it into the Headers tab below (if not there).
# 3. Run: the ▶ button or Ctrl-Enter.
#    The docs are behind the book icon.
query Demo {
  viewer {
    username
  }
  balances {
    fromCache
    computedAt
    openPositions
    assets {
      asset
      free
      locked
      total
    }
  }
}
`;

/** The headers editor's first contents; the `<…>` placeholder is left out of requests until replaced. */
export const DEMO_HEADERS = `{
  "Authorization": "Bearer <paste a key from: npm run apikey -- demo>"
}
`;
