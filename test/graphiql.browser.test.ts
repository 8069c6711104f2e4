import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { DEMO_QUERY, GRAPHIQL_CSP, graphiqlRouter, renderPage } from '../src/http/graphiql';
import { graphiqlAssetsBuilt } from '../src/http/graphiql/assets';
import { buildGraphiqlAssets } from '../src/http/graphiql/build';

// GraphiQL as the gateway serves it at /graphiql, driven in Debian's headless Chromium through
// playwright-core (never a browser download): set the key in the Headers editor, run the demo
// query, run a mutation, and check that no request left localhost. Screenshots go to test-output/.

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipBrowser = process.env.SKIP_BROWSER_TESTS === '1';
const SCREENSHOTS = path.join(__dirname, '..', 'test-output');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The gateway with GraphiQL mounted the way server.ts does in development. */
async function startGatewayWithGraphiql(): Promise<TestGateway> {
  // The bundle is built by `npm run generate`; build it here when a checkout has not run that yet.
  if (!graphiqlAssetsBuilt()) await buildGraphiqlAssets();
  const gw = await startTestGateway({ env: 'development' });
  // Until server.ts mounts it, mount it here: routes added after start() still serve unmatched paths.
  if ((await fetch(`${gw.url}/graphiql`)).status === 404) {
    gw.server.app.use(graphiqlRouter({ graphqlPath: '/graphql', demoQuery: DEMO_QUERY }));
  }
  return gw;
}

describe('GET /graphiql and its assets', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGatewayWithGraphiql();
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('the page: no inline script, nothing from another host, its own CSP, the demo query and header', async () => {
    const response = await fetch(`${gw.url}/graphiql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    // Every <script> either has a src on this host or is JSON data, which a CSP does not execute.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts).toEqual([' type="application/json" id="graphiql-config"', ' defer src="/graphiql/assets/graphiql.js"']);
    const config = JSON.parse(/<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config).toMatchObject({ graphqlPath: '/graphql', demoQuery: DEMO_QUERY });
    expect(JSON.parse(config.defaultHeaders)).toEqual({ Authorization: expect.stringMatching(/^Bearer <.*npm run apikey -- demo.*>$/) });
  });

  test('the bundle is served from the gateway, and references no other host in its stylesheet', async () => {
    const js = await fetch(`${gw.url}/graphiql/assets/graphiql.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const css = await fetch(`${gw.url}/graphiql/assets/graphiql.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const text = await css.text();
    expect(text).not.toMatch(/@import/);
    expect([...text.matchAll(/url\(\s*["']?(?!data:)[^)"']*/g)]).toEqual([]);
  });

  test('nothing else of the folder is served', async () => {
    for (const file of ['', 'x.js', '..%2F..%2Fpackage.json', 'graphiql.js.map']) {
      expect((await fetch(`${gw.url}/graphiql/assets/${file}`)).status).toBe(404);
    }
  });

  test("under helmet's production CSP (as server.ts sets it), the page and its assets keep their own", async () => {
    const app = express();
    app.use(helmet({ contentSecurityPolicy: true, crossOriginEmbedderPolicy: false }));
    app.use(graphiqlRouter({ graphqlPath: '/graphql', demoQuery: DEMO_QUERY }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const url of ['/graphiql', '/graphiql/assets/graphiql.js']) {
        const response = await fetch(`${base}${url}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('settings cannot break out of the JSON <script> block', () => {
    const html = renderPage({ graphqlPath: '/graphql', demoQuery: '</script><script>alert(1)</script>', defaultHeaders: '{}' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
  });
});

(skipBrowser ? describe.skip : describe)('GraphiQL in headless Chromium', () => {
  let gw: TestGateway;
  let browser: Browser | undefined;
  let page: Page;
  let key: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const failedResponses: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}. Run the setup step (as .ci/run does): ` +
          `apt-get update && apt-get install -y chromium. Or set SKIP_BROWSER_TESTS=1 to skip the browser tests.`,
      );
    }
    await mkdir(SCREENSHOTS, { recursive: true });
    gw = await startGatewayWithGraphiql();
    key = await gw.keyFor('demo');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright starts it on a fresh temporary profile (its own --user-data-dir).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.request().method()} ${response.url()} ${response.request().postData() ?? ''}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    // CSP violations, recorded by a script the browser runs before the page's own.
    // (Browser code as strings: the project's TypeScript has no DOM types.)
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
  // The Variables and Headers editors share one section; the one not shown has the class `hidden`.
  const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
  const RESULT = '.result-window';

  /** Replaces the contents of a CodeMirror editor as a user pasting would (no auto-closed brackets). */
  async function replaceEditorText(selector: string, text: string): Promise<void> {
    await page.locator(selector).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  }

  /**
   * Waits until the response pane shows `text`. Polled from here rather than with
   * page.waitForFunction: that evaluates its predicate with eval, which the page's CSP forbids.
   */
  async function waitForResult(text: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await page.locator(RESULT).innerText();
      if (shown.includes(text)) return shown;
      if (Date.now() > deadline) throw new Error(`the result pane never showed ${text}; it shows:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('opens with the demo query and the Authorization header to fill in', async () => {
    const response = await page.goto(`${gw.url}/graphiql`);
    expect(response!.status()).toBe(200);
    await page.locator('.graphiql-container').waitFor();
    await page.locator(QUERY_EDITOR).waitFor();
    expect(await page.locator(QUERY_EDITOR).innerText()).toContain('query Demo');
    expect(await page.locator(HEADERS_EDITOR).innerText()).toContain('Bearer <paste a key');
    // The schema loaded (anonymously: the placeholder is not sent), so the docs are there.
    await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    // The schema's own descriptions, as a reader of the docs sees them.
    await page.locator('.graphiql-doc-explorer').getByText('The user the request is authenticated as').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graphiql-docs.png') });
    await page.locator('.graphiql-sidebar button[aria-label="Hide Documentation Explorer"]').click();
  });

  test('with the demo key in the Headers editor, the demo query shows the viewer and balances', async () => {
    await replaceEditorText(HEADERS_EDITOR, JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2));
    await page.locator('.graphiql-execute-button').click();
    const text = await waitForResult('"username": "demo"');
    expect(text).toContain('"balances"');
    expect(text).toContain('"fromCache"');
    expect(text).not.toContain('"errors"');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graphiql-query.png') });
  });

  test('a mutation typed into the query editor runs, and its result is shown', async () => {
    await replaceEditorText(
      QUERY_EDITOR,
      'mutation CreateAccount {\n  createExchangeAccount(input: { exchange: "paper", label: "from-graphiql" }) { account {\n    id\n    exchange\n    label\n  } }\n}\n',
    );
    // GraphiQL reads the operation's name from the editor a moment after an edit (its tab shows it);
    // a click before that would send the new text with the old operationName.
    await page.locator('.graphiql-tab-active', { hasText: 'CreateAccount' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    expect(await waitForResult('"label": "from-graphiql"')).not.toContain('"errors"');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graphiql-mutation.png') });

    // The mutation really happened on the gateway.
    const accounts = await gw.http('{ exchangeAccounts { label } }', undefined, key);
    expect(accounts.data.exchangeAccounts).toEqual(expect.arrayContaining([{ label: 'from-graphiql' }]));
  });

  test('a subscription runs over graphql-ws: the current summary at once, then the push after a deposit', async () => {
    const accounts = await gw.http('{ exchangeAccounts { id label } }', undefined, key);
    const account = accounts.data.exchangeAccounts.find((a: { label: string }) => a.label === 'from-graphiql');
    await replaceEditorText(QUERY_EDITOR, 'subscription Live {\n  balancesChanged(initial: true) {\n    assets { asset total }\n  }\n}\n');
    await page.locator('.graphiql-tab-active', { hasText: 'Live' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    // The first push is the summary as it is (the subscription is live once it shows).
    expect(await waitForResult('"asset": "USDT"')).not.toContain('"GQLT"');
    const deposit = await gw.http(
      'mutation($a: ID!) { deposit(input: { accountId: $a, asset: "GQLT", amount: "123.45" }) { entry { id } } }',
      { a: account.id },
      key,
    );
    expect(deposit.errors).toBeUndefined();
    const pushed = await waitForResult('"asset": "GQLT"');
    expect(pushed).toContain('"total": "123.45"');
    expect(pushed).not.toContain('"errors"');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graphiql-subscription.png') });
    await page.locator('.graphiql-execute-button').click(); // stops it
  });

  test('no request left the gateway, nothing broke the CSP, no script error', async () => {
    expect(requests.length).toBeGreaterThan(3);
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && !LOCAL_HOSTS.has(new URL(url).hostname));
    expect(elsewhere).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${gw.url}/graphiql`, `${gw.url}/graphiql/assets/graphiql.js`, `${gw.url}/graphql`]));
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
    expect(failedResponses).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
