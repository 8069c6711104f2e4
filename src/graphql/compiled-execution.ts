import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { expandedFieldCount, fragmentsByName } from '../http/operation-shape';

type GatewayInterface = ApolloServerOptionsWithGateway<never>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** What an operation compiled to: graphql-jit's function, or graphql-js for what it should not run. */
type Plan = { readonly kind: 'compiled'; readonly query: CompiledQuery } | { readonly kind: 'interpreted' };

const INTERPRETED: Plan = { kind: 'interpreted' };
/** Introspection runs on graphql-js: rare (tools, development), and its resolvers are graphql-js's own. */
const INTROSPECTION = /\b__(schema|type)\b/;

export interface CompiledExecutionOptions {
  /** Operations kept compiled (least recently used go first). */
  maxOperations?: number;
  /**
   * Operations with more fields than this, fragments expanded, run on graphql-js: graphql-jit
   * generates code per expanded field, so a document of fragments spreading fragments (64 000
   * paths within the cost limit) would hold the event loop for seconds while it compiles.
   */
  maxCompiledFields?: number;
}

/**
 * Executes each operation with a function graphql-jit compiled for it, once per document and
 * operation name (Apollo's SHA-256 of the text is the key; a bounded LRU holds them). Subscriptions,
 * introspection and anything graphql-jit cannot compile run on graphql-js, as do operations whose
 * variables do not coerce (nothing has run then, so graphql-js's own request errors are answered).
 * Errors are rebuilt as graphql-js GraphQLErrors (same message, locations, path, extensions and
 * original error), so formatError and Apollo see what graphql-js would give them.
 */
export function compiledExecutor(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): GatewayExecutor {
  const maxOperations = options.maxOperations ?? 1_000;
  const maxCompiledFields = options.maxCompiledFields ?? 2_000;
  const plans = new Map<string, Plan>();

  const planFor = (key: string, document: DocumentNode, source: string, operationName: string | undefined, kind: string): Plan => {
    const known = plans.get(key);
    if (known) {
      // Recently used goes last: Map keeps insertion order.
      plans.delete(key);
      plans.set(key, known);
      return known;
    }
    let plan = INTERPRETED;
    if (kind !== 'subscription' && !INTROSPECTION.test(source) && expandedFieldCount(document, operationName, fragmentsByName(document.definitions)) <= maxCompiledFields) {
      const compiled = compileQuery(schema, document, operationName);
      if (isCompiledQuery(compiled)) plan = { kind: 'compiled', query: compiled };
    }
    plans.set(key, plan);
    if (plans.size > maxOperations) plans.delete(plans.keys().next().value!);
    return plan;
  };

  return async (requestContext) => {
    const { document, source, queryHash, operation, context } = requestContext;
    const operationName = requestContext.operationName ?? undefined;
    const variableValues = requestContext.request.variables;
    const interpreted = () => execute({ schema, document, contextValue: context, variableValues, operationName }) as Promise<ExecutionResult>;
    const plan = planFor(`${queryHash}:${operationName ?? ''}`, document, source, operationName, operation.operation);
    if (plan.kind === 'interpreted') return interpreted();
    const result = await plan.query.query(undefined, context, variableValues ?? {});
    // Without `data`, the variables did not coerce and no resolver ran: let graphql-js say why.
    if (!('data' in result)) return interpreted();
    return result.errors ? { data: result.data, errors: result.errors.map(asGraphQLJsError) } : { data: result.data };
  };
}

/** graphql-jit's error as graphql-js builds it for a field (extensions from the original error, or none). */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  // A resolver's own GraphQLError already placed at its field is graphql-js's answer as it is.
  if (original instanceof GraphQLError && original.path !== undefined) return original;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: original });
  // graphql-js computes locations from nodes; graphql-jit computed the same ones at compile time.
  (rebuilt as { locations: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

/**
 * Apollo Server's seam for another executor (it has no public "executor" option): a gateway
 * whose schema is ours and never changes, and whose executor is `compiledExecutor`.
 */
export function compiledExecutionGateway(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): GatewayInterface {
  let announce: ((schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => (announce = undefined);
    },
    async load() {
      // Apollo learns the schema here (it validates against it and derives its caches from it).
      announce?.({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor: compiledExecutor(schema, options) };
    },
    stop: async () => undefined,
  };
}
