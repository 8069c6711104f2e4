import { Prisma, type CircuitRole, type PrismaClient } from '../../generated/prisma/client';

/** Items a user can see: stored by them, or pushed to a circuit they belong to. */
export const visibleItems = (userId: number): Prisma.ItemWhereInput => ({
  OR: [
    { ownerId: userId },
    { sources: { some: { userId } } },
    { circuits: { some: { circuit: { members: { some: { userId } } } } } },
  ],
});

/** `visibleItems` as SQL over the item aliased `i`, for raw reads. */
export const visibleItemSql = (userId: number): Prisma.Sql => Prisma.sql`(i."ownerId" = ${userId}
  OR EXISTS (SELECT 1 FROM "ItemSource" vs WHERE vs."itemId" = i.id AND vs."userId" = ${userId})
  OR EXISTS (SELECT 1 FROM "CircuitItem" vci JOIN "CircuitMember" vm ON vm."circuitId" = vci."circuitId" WHERE vci."itemId" = i.id AND vm."userId" = ${userId}))`;

/** The circuit roles that may change the circuit's items. */
const WRITER_ROLES: CircuitRole[] = ['OWNER', 'ADMIN', 'MEMBER'];

/** Of several items with one dfid (each owner has their own), the one a user means: their own, else the oldest. */
export function preferredItem<T extends { id: number; ownerId: number }>(items: readonly T[], userId: number): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (!best) best = item;
    else if ((item.ownerId === userId) !== (best.ownerId === userId)) best = item.ownerId === userId ? item : best;
    else if (item.id < best.id) best = item;
  }
  return best;
}

/**
 * The item `dfid` names for a write by `userId`: the one they may change (their own first), or
 * `'read-only'` when they can only see one, or null when they see none (missing and hidden
 * alike: another user's hidden item must look exactly like a missing one).
 */
export async function itemToWrite(prisma: PrismaClient, userId: number, dfid: string): Promise<{ id: number } | 'read-only' | null> {
  // One read of the visible rows, each with what makes it writable: a second query could see a
  // row the first did not (a concurrent store of the same dfid) and call it read-only.
  const visible = await prisma.item.findMany({
    where: { dfid, ...visibleItems(userId) },
    select: {
      id: true,
      ownerId: true,
      sources: { where: { userId }, select: { id: true }, take: 1 },
      circuits: { where: { circuit: { members: { some: { userId, role: { in: WRITER_ROLES } } } } }, select: { circuitId: true }, take: 1 },
    },
  });
  const writable = visible.filter((item) => item.ownerId === userId || item.sources.length > 0 || item.circuits.length > 0);
  const item = preferredItem(writable, userId);
  if (item) return { id: item.id };
  return visible.length > 0 ? 'read-only' : null;
}
