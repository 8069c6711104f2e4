import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { typeDefs } from './schema';
import type { Connection } from '../pagination/connection';

/**
 * A connection's `totalCount` is a number, or a function that counts on demand. graphql-js calls a
 * function-valued property; graphql-jit reads properties as they are, so the field gets a resolver.
 */
const totalCountOf: GraphQLFieldResolver<Connection<unknown>, unknown> = (connection) =>
  typeof connection.totalCount === 'function' ? connection.totalCount() : connection.totalCount;

/**
 * The schema operations run on (graphql-js or compiled alike): schema.graphql with `resolvers`,
 * and a resolver for every `*Connection.totalCount` that has none. Values reached without a
 * resolver must be plain properties (or getters), never functions or promises.
 */
export function executableSchema(resolvers: object): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs, resolvers: resolvers as Parameters<typeof makeExecutableSchema>[0]['resolvers'] });
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || !type.name.endsWith('Connection')) continue;
    const field = type.getFields().totalCount;
    if (field && !field.resolve) field.resolve = totalCountOf as GraphQLFieldResolver<unknown, unknown>;
  }
  return schema;
}
