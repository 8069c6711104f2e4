import type { GraphQLFieldResolver } from 'graphql';
import type { Resolvers } from '../generated/graphql';

/**
 * Makes every root Query, Mutation and Subscription field require a viewer before it runs, so a new root field
 * cannot forget to authenticate. Loaders and services then scope what they read to that viewer.
 */
export function requireViewerOnRootFields(resolvers: Resolvers): Resolvers {
  const guarded: Record<string, unknown> = { ...resolvers };
  for (const rootType of ['Query', 'Mutation'] as const) {
    const fields = resolvers[rootType] as Record<string, GraphQLFieldResolver<unknown, { viewer: unknown }>> | undefined;
    if (!fields) continue;
    guarded[rootType] = Object.fromEntries(
      Object.entries(fields).map(([name, resolve]) => [
        name,
        (parent: unknown, args: Record<string, unknown>, context: { viewer: unknown }, info: Parameters<typeof resolve>[3]) => {
          void context.viewer; // throws UNAUTHENTICATED for an anonymous request
          return resolve(parent, args, context, info);
        },
      ]),
    );
  }
  // A subscription's `subscribe` runs once, before any event: that is where it needs the viewer.
  const subscriptionFields = resolvers.Subscription as Record<string, { subscribe: GraphQLFieldResolver<unknown, { viewer: unknown }>; resolve?: unknown }> | undefined;
  if (subscriptionFields) {
    guarded.Subscription = Object.fromEntries(
      Object.entries(subscriptionFields).map(([name, field]) => [
        name,
        {
          ...field,
          subscribe: (parent: unknown, args: Record<string, unknown>, context: { viewer: unknown }, info: Parameters<typeof field.subscribe>[3]) => {
            void context.viewer;
            return field.subscribe(parent, args, context, info);
          },
        },
      ]),
    );
  }
  return guarded as Resolvers;
}
