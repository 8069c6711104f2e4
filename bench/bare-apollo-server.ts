// The trivial operation's peer: Apollo Server 5 as its docs start it (`startStandaloneServer`:
// Node's http server, cors and body-parser, no Express), a schema of one field and no plugins of
// ours, so `{ __typename }` here is what the gateway's own additions (API key, rate limit, cost,
// metrics, logging, security headers) cost on top. CSRF prevention is off, as in the gateway
// (credentials travel in a header), so the benchmark's readiness check can be a plain GET.
// Run as its own process: `node --import tsx bench/bare-apollo-server.ts` with PORT.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4105);
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: {}, csrfPrevention: false });
  await startStandaloneServer(apollo, { listen: { port, host: '127.0.0.1' } });
  const stop = () => void apollo.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
