import type { ApolloServerPlugin } from '@apollo/server';

const SANDBOX_SCRIPT = 'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';

/**
 * The development landing page at `/`: Apollo Sandbox, which loads from Apollo's CDN, under a bar
 * that always points to the bundled GraphiQL at /graphiql. When the Sandbox cannot load (no
 * internet), the bar says so and the link is the page, rather than a blank "you might be
 * offline". Development only (production has no landing page), where helmet sets no CSP.
 */
export function landingPagePlugin(options: { graphqlPath: string; graphiqlPath?: string }): ApolloServerPlugin {
  const html = renderLandingPage(options);
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

export function renderLandingPage(options: { graphqlPath: string; graphiqlPath?: string }): string {
  const graphiql = options.graphiqlPath
    ? `<a id="graphiql-link" href="${options.graphiqlPath}">GraphiQL at ${options.graphiqlPath}</a> is bundled with the gateway and works offline.`
    : 'GraphiQL is turned off (GRAPHIQL_ENABLED=false).';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Trading &amp; traceability GraphQL gateway</title>
<style>
  body { margin: 0; font-family: system-ui, sans-serif; }
  #bar { padding: 10px 16px; background: #f4f6f8; border-bottom: 1px solid #d0d7de; font-size: 15px; }
  #bar.offline { background: #fff4e5; font-size: 18px; padding: 24px 16px; }
  #offline-reason { display: none; }
  #bar.offline #offline-reason { display: inline; }
  #sandbox { height: calc(100vh - 44px); }
  code { background: #eaeef2; padding: 1px 4px; border-radius: 3px; }
</style>
</head>
<body>
<div id="bar">
  <span id="offline-reason"><strong>Apollo Sandbox could not load</strong> (it comes from Apollo's CDN, which needs internet).</span>
  ${graphiql} The API itself is at <code>${options.graphqlPath}</code>.
</div>
<div id="sandbox"></div>
<script>
  function sandboxUnavailable() { document.getElementById('bar').className = 'offline'; document.getElementById('sandbox').style.display = 'none'; }
</script>
<script src="${SANDBOX_SCRIPT}" onerror="sandboxUnavailable()"></script>
<script>
  if (window.EmbeddedSandbox) {
    new window.EmbeddedSandbox({ target: '#sandbox', initialEndpoint: location.origin + ${JSON.stringify(options.graphqlPath)} });
  } else {
    sandboxUnavailable();
  }
</script>
</body>
</html>
`;
}
