// The benchmark's floor: a plain node:http server answering the benchmark's operations (routed
// on `operationName`, with the same request body the gateway gets) with one hand-written SQL
// statement each through `pg`, returning `{ "data": … }` as the gateway does. Run as its own
// process: `node --import tsx bench/raw-server.ts` with RAW_DATABASE_URL and PORT.
//
// `balances` keeps a per-user summary in a Map (no TTL: the benchmark invalidates it explicitly),
// so a hit here is the floor of a cache hit: authenticate, look up, write.
import http from 'node:http';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { answeredBenchEndpoint } from './server-endpoints';
import { BALANCES_SQL, CIRCUITS_SQL, ITEM_BY_DFID_SQL, NESTED_ITEMS_SQL, SESSIONS_SQL, VIEWER_SQL } from './raw-sql';

const MAX_PAGE = 100;

interface Request {
  operationName?: string;
  variables?: Record<string, unknown>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const pageSize = (variables: Record<string, unknown> | undefined): number => {
  const n = variables?.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw new HttpError(400, 'n: expected 0..100');
  return n;
};

export function createRawServer(pool: pg.Pool): http.Server {
  const balanceCache = new Map<number, string>();
  let statements = 0;

  /** One statement; its first row's `viewer_id` is null for an unknown key. */
  const run = async (name: string, text: string, values: unknown[]): Promise<{ viewerId: number; data: string | null }> => {
    statements += 1;
    // Named: parsed and planned once per connection, as a tuned service would.
    const result = await pool.query<{ viewer_id: number | null; data?: string }>({ name, text, values });
    const row = result.rows[0];
    if (!row || row.viewer_id === null) throw new HttpError(401, 'Invalid or revoked API key');
    return { viewerId: row.viewer_id, data: row.data ?? null };
  };

  const answer = async (hash: string, request: Request): Promise<string> => {
    switch (request.operationName) {
      case 'NestedItems':
        return (await run('nested-items', NESTED_ITEMS_SQL, [hash, pageSize(request.variables)])).data!;
      case 'SessionsTrades':
        return (await run('sessions', SESSIONS_SQL, [hash, pageSize(request.variables)])).data!;
      case 'CircuitsMembersItems':
        return (await run('circuits', CIRCUITS_SQL, [hash, pageSize(request.variables)])).data!;
      case 'ItemByDfid': {
        const dfid = request.variables?.dfid;
        if (typeof dfid !== 'string') throw new HttpError(400, 'dfid: expected a string');
        return (await run('item-by-dfid', ITEM_BY_DFID_SQL, [hash, dfid])).data!;
      }
      case 'Balances': {
        const { viewerId } = await run('viewer', VIEWER_SQL, [hash]);
        const cached = balanceCache.get(viewerId);
        if (cached !== undefined) return cached;
        const computed = (await run('balances', BALANCES_SQL, [hash])).data!;
        const summary = JSON.parse(computed) as { balances: { fromCache: boolean } };
        summary.balances.fromCache = true;
        balanceCache.set(viewerId, JSON.stringify(summary));
        return computed;
      }
      case 'InvalidateBalances': {
        const { viewerId } = await run('viewer', VIEWER_SQL, [hash]);
        balanceCache.delete(viewerId);
        return '{"invalidateBalanceCache":true}';
      }
      case 'Trivial':
        await run('viewer', VIEWER_SQL, [hash]);
        return '{"__typename":"Query"}';
      default:
        throw new HttpError(400, `unknown operation ${String(request.operationName)}`);
    }
  };

  return http.createServer((req, res) => {
    if (answeredBenchEndpoint(req, res, () => statements)) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method !== 'POST' || req.url !== '/graphql') throw new HttpError(404, 'POST /graphql');
          const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
          if (!match) throw new HttpError(401, 'missing API key');
          const hash = createHash('sha256').update(match[1]!, 'utf8').digest('hex');
          const data = await answer(hash, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request);
          res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${data}}`);
        } catch (error) {
          const status = error instanceof HttpError ? error.status : 500;
          const message = error instanceof Error ? error.message : String(error);
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message }] }));
        }
      })();
    });
  });
}

if (require.main === module) {
  const url = process.env.RAW_DATABASE_URL;
  const port = Number(process.env.PORT ?? 4102);
  if (!url) throw new Error('RAW_DATABASE_URL is required');
  // The gateway's pool size (DATABASE_POOL_MAX default), so both have the same connections.
  // Tuned as the gateway's pool is: named statements planned once per connection (generic plans).
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.RAW_POOL_MAX ?? 10),
    application_name: 'bench-raw',
    options: '-c plan_cache_mode=force_generic_plan',
  });
  const server = createRawServer(pool);
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
