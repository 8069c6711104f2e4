import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import { parseGlobalId } from '../../graphql/global-id';

/** The loader that fetches each Node type by database id, scoped to what the viewer may see. */
const nodeLoaders: Record<string, (context: Context, id: number) => Promise<object | null>> = {
  User: (context, id) => context.loaders.visibleUserById.load(id),
  ApiKey: (context, id) => context.loaders.apiKeyById.load(id),
  Item: (context, id) => context.loaders.itemById.load(id),
  ItemEvent: (context, id) => context.loaders.itemEventById.load(id),
  Circuit: (context, id) => context.loaders.circuitById.load(id),
  TradingSession: (context, id) => context.loaders.sessionById.load(id),
  Trade: (context, id) => context.loaders.tradeById.load(id),
  SessionEvent: (context, id) => context.loaders.sessionEventById.load(id),
  ExchangeAccount: (context, id) => context.loaders.accountById.load(id),
  Position: (context, id) => context.loaders.positionById.load(id),
  Order: (context, id) => context.loaders.orderById.load(id),
  LedgerEntry: (context, id) => context.loaders.ledgerEntryById.load(id),
};

export const coreResolvers: Resolvers = {
  Query: {
    viewer: (_, __, { viewer, loaders }) =>
      loaders.userById.load(viewer.id).then((user) => {
        if (!user) throw new Error(`viewer ${viewer.id} has no user row`);
        return user;
      }),
    node: async (_, { id }, context) => {
      const parsed = parseGlobalId(id);
      // Own keys only: a type named after an Object.prototype member ("constructor") is no Node.
      const load = parsed && Object.hasOwn(nodeLoaders, parsed.type) ? nodeLoaders[parsed.type] : undefined;
      if (!parsed || !load) return null;
      const row = await load(context, parsed.id);
      return row ? ({ ...row, __typename: parsed.type } as never) : null;
    },
  },
};
