import { Prisma, type Circuit, type ItemEvent, type PrismaClient } from '../../generated/prisma/client';
import { pagesPerParent } from '../../db/pages-per-parent';
import { loaderOfMany, loaderOfOne, pagedLoader } from '../../graphql/batch';
import { preferredItem, visibleItems } from './item-access';

/** Per-request loaders of items and what hangs off them, scoped to what the viewer may see. */
export function createItemLoaders(prisma: PrismaClient, viewerId: () => number) {
  return {
    itemById: loaderOfOne(
      (ids: readonly number[]) => prisma.item.findMany({ where: { id: { in: [...ids] }, ...visibleItems(viewerId()) } }),
      (item) => item.id,
    ),
    // Each owner has their own item per dfid: of those the viewer sees, their own, else the oldest.
    itemByDfid: loaderOfOne(
      async (dfids: readonly string[]) => {
        const items = await prisma.item.findMany({ where: { dfid: { in: [...dfids] }, ...visibleItems(viewerId()) } });
        const byDfid = new Map<string, typeof items>();
        for (const item of items) byDfid.set(item.dfid, [...(byDfid.get(item.dfid) ?? []), item]);
        return [...byDfid.values()].map((candidates) => preferredItem(candidates, viewerId())!);
      },
      (item) => item.dfid,
    ),
    itemEventById: loaderOfOne(
      (ids: readonly number[]) =>
        prisma.itemEvent.findMany({ where: { id: { in: [...ids] }, item: visibleItems(viewerId()) } }),
      (event) => event.id,
    ),
    identifiersByItemId: loaderOfMany(
      (itemIds: readonly number[]) =>
        prisma.itemIdentifier.findMany({ where: { itemId: { in: [...itemIds] } }, orderBy: { id: 'asc' } }),
      (identifier) => identifier.itemId,
    ),
    sourcesByItemId: loaderOfMany(
      (itemIds: readonly number[]) =>
        prisma.itemSource.findMany({
          where: { itemId: { in: [...itemIds] } },
          orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        }),
      (source) => source.itemId,
    ),
    eventsByItemId: pagedLoader((itemIds, page) =>
      pagesPerParent<ItemEvent>(
        prisma,
        {
          select: Prisma.sql`e.*`,
          from: Prisma.sql`"ItemEvent" e`,
          parent: 'e."itemId"',
          sortKey: [
            { sql: 'e."occurredAt"', type: 'timestamp' },
            { sql: 'e.id', type: 'int' },
          ],
          direction: 'desc',
        },
        itemIds,
        page,
      ),
    ),
    /** The viewer's circuits an item was pushed to (never other users' circuits), most recently pushed first. */
    circuitsByItemId: pagedLoader((itemIds, page) =>
      pagesPerParent<Circuit>(
        prisma,
        {
          select: Prisma.sql`c.*`,
          from: Prisma.sql`"CircuitItem" ci JOIN "Circuit" c ON c.id = ci."circuitId"`,
          parent: 'ci."itemId"',
          sortKey: [
            { sql: 'ci."pushedAt"', type: 'timestamp' },
            { sql: 'ci.id', type: 'int' },
          ],
          direction: 'desc',
          where: Prisma.sql`EXISTS (SELECT 1 FROM "CircuitMember" m WHERE m."circuitId" = c.id AND m."userId" = ${viewerId()})`,
        },
        itemIds,
        page,
      ),
    ),
  };
}
