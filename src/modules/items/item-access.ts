import type { Prisma, PrismaClient } from '../../generated/prisma/client';

/** Items a user can see: stored by them, or pushed to a circuit they belong to. */
export const visibleItems = (userId: number): Prisma.ItemWhereInput => ({
  OR: [
    { ownerId: userId },
    { sources: { some: { userId } } },
    { circuits: { some: { circuit: { members: { some: { userId } } } } } },
  ],
});

/** Items a user can change: their own, or pushed to a circuit where they are more than a VIEWER. */
export const writableItems = (userId: number): Prisma.ItemWhereInput => ({
  OR: [
    { ownerId: userId },
    { sources: { some: { userId } } },
    { circuits: { some: { circuit: { members: { some: { userId, role: { in: ['OWNER', 'ADMIN', 'MEMBER'] } } } } } } },
  ],
});

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
  const writable = await prisma.item.findMany({ where: { dfid, ...writableItems(userId) }, select: { id: true, ownerId: true } });
  const item = preferredItem(writable, userId);
  if (item) return { id: item.id };
  const visible = await prisma.item.count({ where: { dfid, ...visibleItems(userId) } });
  return visible > 0 ? 'read-only' : null;
}
