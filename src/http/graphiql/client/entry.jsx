// The browser side of /graphiql, bundled by ../build.ts (esbuild) into src/generated/graphiql/.
// Plain JSX, not TypeScript: the project's tsconfig has no DOM types. Settings come from the
// page's <script type="application/json" id="graphiql-config"> (data, not code, so the page
// needs no inline script and works under `script-src 'self'`).
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './page.css';

const config = JSON.parse(document.getElementById('graphiql-config').textContent);

/** A header value that still holds the `<…>` placeholder is not a key: it is left out, so the schema still loads. */
const isPlaceholder = (value) => typeof value === 'string' && /<[^>]*>/.test(value);

/** POSTs the operation to the gateway (same origin) with the headers from the Headers editor. */
async function fetcher(params, options) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (value == null || isPlaceholder(value)) continue;
    headers[name] = String(value);
  }
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
