import { Prisma, type User } from '../../generated/prisma/client';
import { leanLoaderOfOne, loaderOfOne } from '../../graphql/batch';
import { USER_ROW } from './user-row';
import type { LoaderScope } from '../module';


/** Users by id and the viewer's API keys. A user's public profile is id and username only. */
export const userLoaders = {
  /** Any user, for relations the viewer can already see (an item's owner, a circuit's members). */
  userById: (scope: LoaderScope) =>
    leanLoaderOfOne<User>(scope, USER_ROW, (ids, select) => Prisma.sql`SELECT ${select} FROM "User" u WHERE u.id = ANY(${ids}::int[])`),
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
