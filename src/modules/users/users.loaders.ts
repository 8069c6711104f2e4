import { loaderOfOne } from '../../graphql/batch';
import type { LoaderScope } from '../module';

/** Users by id and the viewer's API keys. A user's public profile is id and username only. */
export const userLoaders = {
  /** Any user, for relations the viewer can already see (an item's owner, a circuit's members). */
  userById: ({ prisma }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.user.findMany({ where: { id: { in: [...ids] } } }),
      (user) => user.id,
    ),
  /** The viewer's own API keys. */
  apiKeyById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.apiKey.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (apiKey) => apiKey.id,
    ),
  /** Users the viewer may look up directly: themselves and whoever shares a circuit with them. */
  visibleUserById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) =>
        prisma.user.findMany({
          where: {
            id: { in: [...ids] },
            OR: [{ id: viewerId() }, { memberships: { some: { circuit: { members: { some: { userId: viewerId() } } } } } }],
          },
        }),
      (user) => user.id,
    ),
};
