// The browser side of /graphiql, bundled by ../build.ts (esbuild) into src/generated/graphiql/.
// Plain JSX, not TypeScript: the project's tsconfig has no DOM types. Settings come from the
// page's <script type="application/json" id="graphiql-config"> (data, not code, so the page
// needs no inline script and works under `script-src 'self'`).
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { getOperationAST, parse } from 'graphql';
import 'graphiql/style.css';
import './page.css';

const config = JSON.parse(document.getElementById('graphiql-config').textContent);

/** A header value that still holds the `<…>` placeholder is not a key: it is left out, so the schema still loads. */
const isPlaceholder = (value) => typeof value === 'string' && /<[^>]*>/.test(value);

/** The Headers editor's headers, less those still holding a placeholder. */
function editorHeaders(options) {
  const headers = {};
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (value == null || isPlaceholder(value)) continue;
    headers[name] = String(value);
  }
  return headers;
}

/** ws(s)://<this host>/graphql: subscriptions share HTTP's port and path. */
function webSocketUrl() {
  const url = new URL(config.graphqlPath, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function isSubscription(params) {
  try {
    return getOperationAST(parse(params.query), params.operationName)?.operation === 'subscription';
  } catch {
    return false; // the gateway will say what is wrong with it
  }
}

/**
 * Runs a subscription over graphql-ws, with the editor's Authorization header as the
 * connection_init payload (the gateway's WebSocket authentication). One socket per run, closed
 * when GraphiQL stops it; a refused socket (4401, 4403…) shows as an error, not a silent stop.
 */
function subscribeOverWebSocket(params, headers) {
  const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const client = createClient({ url: webSocketUrl(), connectionParams: authorization ? { authorization } : {}, lazy: true, retryAttempts: 0 });
  const iterator = client.iterate(params);
  let finished = false;
  const finish = () => {
    finished = true;
    void client.dispose();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      try {
        const step = await iterator.next();
        if (step.done) finish();
        return step;
      } catch (error) {
        finish();
        const message = error && typeof error.code === 'number' ? `WebSocket closed with ${error.code}: ${error.reason || 'no reason given'}` : String(error?.message ?? error);
        return { done: false, value: { errors: Array.isArray(error) ? error : [{ message }] } };
      }
    },
    async return() {
      await iterator.return?.();
      finish();
      return { done: true, value: undefined };
    },
  };
}

/**
 * POSTs queries and mutations to the gateway (same origin) with the headers from the Headers
 * editor; subscriptions go over WebSocket (graphql-ws) to the same path.
 */
async function fetcher(params, options) {
  if (isSubscription(params)) return subscribeOverWebSocket(params, editorHeaders(options));
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...editorHeaders(options) };
  const response = await fetch(config.graphqlPath, {
    method: 'POST',
    headers,
    body: JSON.stringify(params),
    credentials: 'omit',
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] };
  }
}

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={config.demoQuery}
      defaultHeaders={config.defaultHeaders}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      inputValueDeprecation
      schemaDescription
    >
      <GraphiQL.Logo>{config.title}</GraphiQL.Logo>
      <GraphiQL.Footer>
        <div className="gateway-hint">
          Headers: <code>{'{"Authorization": "Bearer <key>"}'}</code>; <code>npm start</code> prints one in
          development, or get one with <code>npm run apikey -- demo</code>.
        </div>
      </GraphiQL.Footer>
    </GraphiQL>
  );
}

createRoot(document.getElementById('graphiql')).render(<App />);
