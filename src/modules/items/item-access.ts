import type { Prisma } from '../../generated/prisma/client';

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
