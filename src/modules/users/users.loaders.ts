import type { PrismaClient } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';

/** Users by id. Public profile only (id, username); reached through relations the viewer can see. */
export function createUserLoaders(prisma: PrismaClient, viewerId: () => number) {
  return {
    userById: loaderOfOne(
      (ids: readonly number[]) => prisma.user.findMany({ where: { id: { in: [...ids] } } }),
      (user) => user.id,
    ),
    /** The viewer's own API keys. */
    apiKeyById: loaderOfOne(
      (ids: readonly number[]) => prisma.apiKey.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (apiKey) => apiKey.id,
    ),
    /** Users the viewer may look up directly: themselves and whoever shares a circuit with them. */
    visibleUserById: loaderOfOne(
      (ids: readonly number[]) =>
        prisma.user.findMany({
          where: {
            id: { in: [...ids] },
            OR: [
              { id: viewerId() },
              { memberships: { some: { circuit: { members: { some: { userId: viewerId() } } } } } },
            ],
          },
        }),
      (user) => user.id,
    ),
  };
}
