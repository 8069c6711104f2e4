import path from 'node:path';
import express from 'express';
import { GRAPHIQL_ASSETS_DIR, GRAPHIQL_ASSET_FILES, graphiqlAssetsBuilt } from './assets';
import { DEMO_HEADERS } from './demo';

export { DEMO_QUERY, DEMO_HEADERS } from './demo';

export interface GraphiqlOptions {
  /** Where the page sends operations, on the same origin (e.g. `/graphql`). */
  graphqlPath: string;
  /** The query editor's contents on a first visit (GraphiQL then keeps the user's own in localStorage). */
  demoQuery: string;
  /** The headers editor's contents on a first visit; default: an Authorization header to fill in. */
  defaultHeaders?: string;
  /** The bundle's folder; default: where `npm run generate` writes it. */
  assetsDir?: string;
}

/** Where the page and its assets are served. */
export const GRAPHIQL_PATH = '/graphiql';
const ASSETS_PATH = `${GRAPHIQL_PATH}/assets`;

/**
 * The page's own Content-Security-Policy, in every environment (it replaces helmet's in
 * production). Everything comes from the gateway: scripts from files (no inline script), styles
 * from files plus the inline styles GraphiQL's components set, fonts and icons as data: URLs.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL served by the gateway itself: `GET /graphiql` (the page) and `/graphiql/assets/*`
 * (the bundle `npm run generate` builds from the npm packages `graphiql`, `react` and
 * `graphql`). Nothing is loaded from another host, so it works on a machine without internet.
 * The page opens with `demoQuery` in the query editor and an `Authorization` header to fill in.
 */
export function graphiqlRouter(options: GraphiqlOptions): express.Router {
  const assetsDir = options.assetsDir ?? GRAPHIQL_ASSETS_DIR;
  const page = renderPage({
    graphqlPath: options.graphqlPath,
    demoQuery: options.demoQuery,
    defaultHeaders: options.defaultHeaders ?? DEMO_HEADERS,
  });
  const router = express.Router();

  router.get(GRAPHIQL_PATH, (_req, res) => {
    res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    if (!graphiqlAssetsBuilt(assetsDir)) {
      // Checked per request (cheap) so that a `npm run generate` after start needs no restart.
      res.status(503).type('text/plain').send(
        `GraphiQL is not built yet: run \`npm run generate\` (it bundles it into ${path.relative(process.cwd(), assetsDir)}), then reload.\n`,
      );
      return;
    }
    res.type('html').send(page);
  });

  router.use(
    ASSETS_PATH,
    (req, res, next) => {
      // Only the bundle's own files, nothing else from the folder.
      if (!(GRAPHIQL_ASSET_FILES as readonly string[]).includes(req.path.slice(1))) {
        res.status(404).type('text/plain').send('Not found\n');
        return;
      }
      res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
      next();
    },
    express.static(assetsDir, { index: false, fallthrough: false, cacheControl: true, maxAge: 0 }),
  );

  return router;
}

/** The page: a mount point, the bundle, and the settings as JSON data (not a script). */
export function renderPage(settings: { graphqlPath: string; demoQuery: string; defaultHeaders: string }): string {
  const config = { ...settings, title: 'Gateway GraphiQL' };
  // In a <script> element, "</script" or "<!--" in the JSON would end or confuse it: escape every '<'.
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>GraphiQL · trading &amp; traceability gateway</title>
<link rel="stylesheet" href="${ASSETS_PATH}/graphiql.css">
<script type="application/json" id="graphiql-config">${json}</script>
<script defer src="${ASSETS_PATH}/graphiql.js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. Without it, POST operations to ${escapeHtml(settings.graphqlPath)} with curl (see the README).</noscript>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
