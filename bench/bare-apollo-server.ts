// The trivial operation's peer: Apollo Server 5 with no plugins of ours and a schema of one
// field, on Express 5 through the same integration the gateway uses, so `{ __typename }` here
// is what the gateway's own additions (API key, rate limit, cost, metrics, logging) cost on top.
// Run as its own process: `node --import tsx bench/bare-apollo-server.ts` with PORT.
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4105);
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: {} });
  await apollo.start();
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server = app.listen(port, '127.0.0.1');
  server.keepAliveTimeout = 60_000;
  const stop = () => server.close(() => void apollo.stop().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
