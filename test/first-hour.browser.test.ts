import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// A newcomer's first minute, as the README tells it: `npm start` on a fresh folder (embedded
// database, development), then the browser. The landing page points to the bundled GraphiQL
// even without internet (Apollo Sandbox comes from a CDN this machine cannot reach), and
// GraphiQL runs the demo query with the key npm start printed, without stopping anything.
const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipBrowser = process.env.SKIP_BROWSER_TESTS === '1';
const SCREENSHOTS = path.join(ROOT, 'test-output');

(skipBrowser ? describe.skip : describe)('the first minute after npm start', () => {
  let dataDir: string;
  let gateway: ChildProcess;
  let stdout = '';
  let browser: Browser;
  let page: Page;
  let url: string;
  let key: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium), or set SKIP_BROWSER_TESTS=1`);
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-first-hour-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'NODE_OPTIONS', 'LOG_LEVEL']) delete env[name];
    // What `npm start` runs, without npm in between (so SIGTERM reaches the server).
    gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    gateway.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const deadline = Date.now() + 120_000;
    while (!/API key of the demo user[^:]*: (\S+)/.test(stdout)) {
      if (Date.now() > deadline || gateway.exitCode !== null) throw new Error(`npm start did not print a key:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    url = /GraphQL gateway ready at (http:\/\/\S+)\/graphql/.exec(stdout)![1]!;
    key = /API key of the demo user[^:]*: (\S+)/.exec(stdout)![1]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (gateway?.pid && gateway.exitCode === null) {
      process.kill(-gateway.pid, 'SIGTERM');
      await new Promise((resolve) => gateway.once('close', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the printed key works while the server runs', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });
    expect(await response.json()).toEqual({ data: { viewer: { username: 'demo' } } });
  });

  test('offline, the landing page says where the bundled GraphiQL is', async () => {
    // Apollo's CDN cannot be reached from here; make that certain rather than slow.
    await page.route((requested) => !['127.0.0.1', 'localhost'].includes(requested.hostname), (route) => route.abort());
    await page.goto(`${url}/`);
    const link = page.locator('#graphiql-link');
    await link.waitFor();
    await page.locator('#bar.offline').waitFor();
    expect(await page.locator('#bar').innerText()).toMatch(/Apollo Sandbox could not load/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-hour-landing-offline.png') });
    await link.click();
    await page.waitForURL(`${url}/graphiql`);
  });

  test('GraphiQL has the key filled in and runs the demo query', async () => {
    const headers = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    await headers.waitFor();
    expect(await headers.innerText()).toContain(`Bearer ${key}`);
    await page.locator('.graphiql-execute-button').click();
    const deadline = Date.now() + 30_000;
    let shown = '';
    while (!shown.includes('"username": "demo"')) {
      if (Date.now() > deadline) throw new Error(`the result pane shows:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await page.locator('.result-window').innerText();
    }
    expect(shown).not.toContain('"errors"');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-hour-graphiql.png') });
  });
});
