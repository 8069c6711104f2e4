import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import persistedDocuments from '../examples/trading-client/src/gql/persisted-documents.json';

// The typed client example (examples/trading-client) run as a user would run it, against a real
// gateway: its output shows the order filled and the balances changed (in the order's payload and
// in the balancesChanged push it subscribed to over WebSocket), and that it used automatic
// persisted queries (hashes registered on the first run, hashes alone on the second).
// Its generated operation types must match what codegen makes of today's schema.graphql.

const ROOT = path.join(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'trading-client');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  // Without jest's NODE_OPTIONS (--experimental-vm-modules): the child is a plain Node process.
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...inherited, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const runExample = (env: Record<string, string | undefined>) => run(bin('tsx'), [path.join(EXAMPLE, 'src', 'main.ts')], env);

/** The example's log lines about persisted queries, as [operation, outcome]. */
function persistedOutcomes(stdout: string): [string, string][] {
  return [...stdout.matchAll(/· (\w+): persisted: (hit|miss)/g)].map((match) => [match[1]!, match[2]!]);
}

describe('examples/trading-client', () => {
  let gw: TestGateway;
  let key: string;
  // What the gateway itself stores for automatic persisted queries (Apollo's keys: `apq:<sha256>`).
  const registered: string[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({
      wrapCacheStore: (store) => ({
        ...store,
        set: (cacheKey, value, ttlMs) => {
          if (cacheKey.startsWith('apq:')) registered.push(cacheKey.slice('apq:'.length));
          return store.set(cacheKey, value, ttlMs);
        },
      }),
    });
    key = await gw.keyFor('example-trader');
  });
  afterAll(async () => {
    await gw.close();
  });

  test('without API_KEY it prints its usage and exits 2', async () => {
    const result = await runExample({ API_KEY: '', GATEWAY_URL: `${gw.url}/graphql` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('API_KEY is not set');
    expect(result.stderr).toContain('Usage: API_KEY=<key>');
  });

  test('first run: creates and funds a paper account, subscribes, places a MARKET order, sees the balances change in the payload and the push; every HTTP operation registered once', async () => {
    const result = await runExample({ API_KEY: key, GATEWAY_URL: `${gw.url}/graphql` });
    if (process.env.SHOW_EXAMPLE_OUTPUT) process.stdout.write(result.stdout);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Logged in as example-trader');
    expect(out).toContain('Open positions: 0');
    expect(out).toContain('Paper account: trading-client (created)');
    expect(out).toContain('Deposited 10000 USDT (free USDT was 0)');
    expect(out).toMatch(/Balances before: fromCache=false .*\n {2}trading-client USDT: total 10000, free 10000, locked 0/);
    expect(out).toMatch(/Balances again: fromCache=true /);
    expect(out).toContain('Order: MARKET BUY 0.01 BTC-USDT @ 50000: FILLED; position LONG 0.01 @ 50000');
    expect(out).toContain('Subscribed to balancesChanged: first push USDT total 10000\n');
    // 0.01 × 50 000 = 500 for the fill, 0.1 % commission = 0.5: the payload and the push both show it.
    expect(out).toMatch(/Balances in the payload: fromCache=false .*openPositions=1\n {2}trading-client USDT: total 9499.5, free 9499.5, locked 0/);
    expect(out).toMatch(/Balances pushed: .*openPositions=1\n {2}trading-client USDT: total 9499.5, free 9499.5, locked 0/);
    expect(out).toContain('Change: USDT total 10000 → 9499.5 (-500.5)');

    // Each operation's first request missed (hash unknown) and registered it; the repeats were hits.
    const outcomes = persistedOutcomes(out);
    expect(outcomes).toEqual([
      ['Viewer', 'miss'],
      ['OpenPositions', 'miss'],
      ['ExchangeAccounts', 'miss'],
      ['CreateExchangeAccount', 'miss'],
      ['Balances', 'miss'],
      ['Deposit', 'miss'],
      ['Balances', 'hit'],
      ['Balances', 'hit'],
      ['CreateOrder', 'miss'],
    ]);
    expect(out).toContain('Persisted queries: 2 sent as a hash only, 7 registered');
    // On the gateway's side: exactly the seven hashes codegen computed for HTTP were registered
    // (the subscription travels over WebSocket with its text).
    const httpDocuments = Object.entries(persistedDocuments).filter(([, text]) => !/\bsubscription /.test(text));
    expect(httpDocuments).toHaveLength(7);
    expect([...registered].sort()).toEqual(httpDocuments.map(([hash]) => hash).sort());
  });

  test('second run: the same account, no deposit, and every operation sent as its hash alone', async () => {
    const result = await runExample({ API_KEY: key, GATEWAY_URL: `${gw.url}/graphql` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Open positions: 1\n  BTC-USDT LONG 0.01 @ 50000 in trading-client');
    expect(out).toContain('Paper account: trading-client\n');
    expect(out).not.toContain('Deposited');
    expect(out).toContain('Subscribed to balancesChanged: first push USDT total 9499.5\n');
    expect(out).toContain('Change: USDT total 9499.5 → 8999 (-500.5)');
    const outcomes = persistedOutcomes(out);
    expect(outcomes).toHaveLength(6);
    expect(outcomes.every(([, outcome]) => outcome === 'hit')).toBe(true);
    expect(out).toContain('Persisted queries: 6 sent as a hash only, 0 registered');
    expect(registered).toHaveLength(7); // nothing new registered

    // What the gateway itself now says: the second fill grew the open position.
    const positions = await gw.http('{ positions(status: OPEN) { edges { node { symbol side quantity } } } }', undefined, key);
    expect(positions.data.positions.edges).toEqual([{ node: { symbol: 'BTC-USDT', side: 'LONG', quantity: '0.02' } }]);
  });

  test('a gateway that is not there: a clear message and exit 1', async () => {
    const result = await runExample({ API_KEY: key, GATEWAY_URL: 'http://127.0.0.1:9/graphql' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Cannot reach the gateway at http:\/\/127\.0\.0\.1:9\/graphql \(.*\)\. Is it running \(npm start\)\?\n$/);
  });

  test('a revoked or unknown key: the gateway\'s UNAUTHENTICATED, and exit 1', async () => {
    const result = await runExample({ API_KEY: 'tg_not-a-real-key', GATEWAY_URL: `${gw.url}/graphql` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Viewer failed: .*\(UNAUTHENTICATED\)/);
  });
});

describe('examples/trading-client generated code', () => {
  test('src/gql is what codegen makes of today\'s schema.graphql and operations (else: npm run example:codegen)', async () => {
    const config = (await import('../examples/trading-client/codegen')).default as Types.Config;
    const outputs = await generate({ ...config, silent: true, verbose: false, errorsOnly: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = await readFile(path.resolve(ROOT, output.filename), 'utf8').catch(() => '(missing)');
      expect({ file: path.relative(ROOT, path.resolve(ROOT, output.filename)), content: committed }).toEqual({
        file: path.relative(ROOT, path.resolve(ROOT, output.filename)),
        content: output.content,
      });
    }
  });

  test('the example type-checks against its generated types', async () => {
    const result = await run(bin('tsc'), ['-p', path.join(EXAMPLE, 'tsconfig.json')]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
