import type { Item } from '../../src/generated/prisma/client';
import type { TestGateway } from './test-gateway';

/**
 * The items `userId` may see in `gw`'s database, newest (highest id) first: stored by them
 * (owner or a source row of theirs), or pushed to a circuit they belong to. Computed from the
 * tables, not the gateway.
 */
export async function visibleItemsOf(gw: TestGateway, userId: number): Promise<Item[]> {
  const prisma = gw.db.prisma;
  const memberships = await prisma.circuitMember.findMany({ where: { userId } });
  const pushed = await prisma.circuitItem.findMany({ where: { circuitId: { in: memberships.map((m) => m.circuitId) } } });
  const sourced = await prisma.itemSource.findMany({ where: { userId } });
  const ids = new Set([...pushed.map((p) => p.itemId), ...sourced.map((s) => s.itemId)]);
  const items = await prisma.item.findMany({ orderBy: { id: 'desc' } });
  return items.filter((item) => item.ownerId === userId || ids.has(item.id));
}
