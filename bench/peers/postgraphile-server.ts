// The benchmark's PostGraphile peer: PostGraphile 5 with its default preset (amber) over the
// views of bench/peer-schema.ts, served by grafserv's node adaptor on POST /graphql. It lives
// beside its own node_modules (bench/peers/README.md says why). Run as its own process, like the
// raw floor: `node --import tsx bench/peers/postgraphile-server.ts` with PEER_DATABASE_URL, PORT.
import './with-resolvers';
import http from 'node:http';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { API_KEY_SETTING, PEER_SCHEMA } from '../peer-schema';
import { answeredBenchEndpoint } from '../server-endpoints';

const url = process.env.PEER_DATABASE_URL;
const port = Number(process.env.PORT ?? 4104);
if (!url) throw new Error('PEER_DATABASE_URL is required');

/** The SHA-256 of the bearer token, or '' (which matches no key: the views are then empty). */
function keyHash(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match ? createHash('sha256').update(match[1]!, 'utf8').digest('hex') : '';
}

/**
 * Every statement its pool's clients send, as the raw floor counts its own (GET /statements):
 * with pgSettings that is begin, set_config and commit around the request's own statements.
 */
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  // The gateway's pool size (DATABASE_POOL_MAX default), as for the raw floor.
  pgServices: [makePgService({ connectionString: url, schemas: [PEER_SCHEMA], poolConfig: { max: 10, application_name: 'bench-postgraphile' } })],
  grafast: {
    explain: false,
    // PostGraphile's auth hook: these settings are set (set_config, local) in the request's transaction.
    context: (requestContext) => ({ pgSettings: { [API_KEY_SETTING]: keyHash(requestContext.node?.req.headers.authorization) } }),
  },
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
};

async function main(): Promise<void> {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  // Built before listening, so /health answers only once the schema is ready.
  await pgl.getSchema();
  const handler = serv.createHandler();
  const server = http.createServer((req, res) => {
    if (answeredBenchEndpoint(req, res, () => statements)) return;
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  const stop = () => server.close(() => void Promise.resolve(pgl.release()).then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
