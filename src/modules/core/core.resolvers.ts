import type { Resolvers } from '../../generated/graphql';
import { parseGlobalId } from '../../graphql/global-id';
import { scalarResolvers } from '../../graphql/scalars';

export const coreResolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    viewer: (_, __, { viewer, loaders }) =>
      loaders.userById.load(viewer.id).then((user) => {
        if (!user) throw new Error(`viewer ${viewer.id} has no user row`);
        return user;
      }),
    // Each Node type's loader comes from the module that owns the type (its descriptor's `nodes`).
    node: async (_, { id }, { loaders }) => {
      const parsed = parseGlobalId(id);
      const row = parsed ? await loaders.loadNode(parsed.type, parsed.id) : undefined;
      return row ? ({ ...row, __typename: parsed!.type } as never) : null;
    },
  },
};
