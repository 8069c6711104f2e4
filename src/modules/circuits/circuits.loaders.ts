import { Prisma, type CircuitMember, type Item, type PrismaClient } from '../../generated/prisma/client';
import { pagesPerParent } from '../../db/pages-per-parent';
import { loaderOfOne, pagedLoader } from '../../graphql/batch';

/** Per-request loaders of circuits, scoped to the circuits the viewer belongs to. */
export function createCircuitLoaders(prisma: PrismaClient, viewerId: () => number) {
  const viewerIsMember = () =>
    Prisma.sql`EXISTS (SELECT 1 FROM "CircuitMember" vm WHERE vm."circuitId" = ci."circuitId" AND vm."userId" = ${viewerId()})`;
  return {
    circuitById: loaderOfOne(
      (ids: readonly number[]) =>
        prisma.circuit.findMany({ where: { id: { in: [...ids] }, members: { some: { userId: viewerId() } } } }),
      (circuit) => circuit.id,
    ),
    viewerMembershipByCircuitId: loaderOfOne(
      (circuitIds: readonly number[]) =>
        prisma.circuitMember.findMany({ where: { circuitId: { in: [...circuitIds] }, userId: viewerId() } }),
      (membership) => membership.circuitId,
    ),
    membersByCircuitId: pagedLoader((circuitIds, page) =>
      pagesPerParent<CircuitMember>(
        prisma,
        {
          select: Prisma.sql`ci.*`,
          from: Prisma.sql`"CircuitMember" ci`,
          parent: 'ci."circuitId"',
          // In the order they joined.
          sortKey: [
            { sql: 'ci."joinedAt"', type: 'timestamp' },
            { sql: 'ci.id', type: 'int' },
          ],
          direction: 'asc',
          where: viewerIsMember(),
        },
        circuitIds,
        page,
      ),
    ),
    itemsByCircuitId: pagedLoader((circuitIds, page) =>
      pagesPerParent<Item>(
        prisma,
        {
          select: Prisma.sql`i.*`,
          from: Prisma.sql`"CircuitItem" ci JOIN "Item" i ON i.id = ci."itemId"`,
          parent: 'ci."circuitId"',
          // Most recently pushed first.
          sortKey: [
            { sql: 'ci."pushedAt"', type: 'timestamp' },
            { sql: 'ci.id', type: 'int' },
          ],
          direction: 'desc',
          where: viewerIsMember(),
        },
        circuitIds,
        page,
      ),
    ),
  };
}
