import type { AddressInfo } from 'node:net';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { createApiKey } from '../../src/auth/api-keys';
import { countStatements } from '../../src/db/statement-counter';
import { createLogger } from '../../src/log';
import { createServer, type GatewayServer } from '../../src/server';
import { openTestDatabase, type TestDatabase } from './test-database';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: readonly GraphQLFormattedError[];
  headers: Headers;
}

export interface TestGateway {
  readonly url: string;
  readonly server: GatewayServer;
  readonly db: TestDatabase;
  /** A fresh API key for `username` (the user is created when missing). */
  keyFor(username: string): Promise<string>;
  /** Sends an operation over HTTP (POST /graphql) as it would come from a client. */
  http<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  /**
   * Runs an operation through Apollo's executeOperation and counts the SQL statements it sent,
   * including the API key lookup.
   */
  execute<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T> & { statements: number }>;
  close(): Promise<void>;
}

/** A real gateway on a private copy of the seeded database, listening on a free port. */
export async function startTestGateway(options: { env?: 'test' | 'development' | 'production' } = {}): Promise<TestGateway> {
  const db = await openTestDatabase();
  const server = createServer({ config: { env: options.env ?? 'test' }, db, log: createLogger({ enabled: false }) });
  await server.start();
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;

  return {
    url,
    server,
    db,
    async keyFor(username) {
      const user = await db.prisma.user.upsert({ where: { username }, create: { username }, update: {} });
      return (await createApiKey(db.prisma, user.id, 'test')).key;
    },
    async http(query, variables, key) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: GraphQLFormattedError[] };
      return { status: response.status, ...body, headers: response.headers };
    },
    async execute(query, variables, key) {
      const { result, statements } = await countStatements(async () => {
        let contextValue;
        try {
          contextValue = await server.contextFor(key ? `Bearer ${key}` : undefined);
        } catch (error) {
          // What the HTTP layer answers when the context cannot be built (e.g. a revoked key).
          return { status: 401, errors: [(error as GraphQLError).toJSON()] };
        }
        const response = await server.apollo.executeOperation({ query, variables }, { contextValue });
        if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
        const { data, errors } = response.body.singleResult;
        return { status: response.http.status ?? 200, data: data as any, errors };
      });
      return { ...result, headers: new Headers(), statements };
    },
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
