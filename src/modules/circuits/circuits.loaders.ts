import { Prisma, type CircuitMember, type Item } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';
import { leanTable } from '../../db/lean-table';
import { byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';
import { USER_ROW, userWithId } from '../users/user-row';
import { ITEM_ROW } from '../items/item-row';

/** A circuit's members, in the order they joined. */
export const CIRCUIT_MEMBERS_ORDER = byTimeThenId('joinedAt', 'asc', 'ci');
/** A circuit's items, most recently pushed first. */
export const CIRCUIT_ITEMS_ORDER = byTimeThenId('pushedAt', 'desc', 'ci');

/** A circuit's member as lean reads see it (see db/lean-table.ts). */
const CIRCUIT_MEMBER_ROW = leanTable({
  alias: 'ci',
  columns: { id: 'plain', circuitId: 'plain', userId: 'plain', role: 'plain', joinedAt: 'timestamp' },
  fields: { user: ['userId'] },
  embeds: { user: { table: USER_ROW, from: userWithId('ci."userId"') } },
});

const viewerIsMember = (viewerId: number) =>
  Prisma.sql`EXISTS (SELECT 1 FROM "CircuitMember" vm WHERE vm."circuitId" = ci."circuitId" AND vm."userId" = ${viewerId})`;

/** Loaders of circuits, scoped to the circuits the viewer belongs to. */
export const circuitLoaders = {
  circuitById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.circuit.findMany({ where: { id: { in: [...ids] }, members: { some: { userId: viewerId() } } } }),
      (circuit) => circuit.id,
    ),
  viewerMembershipByCircuitId: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (circuitIds: readonly number[]) => prisma.circuitMember.findMany({ where: { circuitId: { in: [...circuitIds] }, userId: viewerId() } }),
      (membership) => membership.circuitId,
    ),
  membersByCircuitId: (scope: LoaderScope) =>
    childListLoader<CircuitMember>(scope, CIRCUIT_MEMBERS_ORDER, () => ({
      select: Prisma.sql`ci.*`,
      from: Prisma.sql`"CircuitMember" ci`,
      parent: 'ci."circuitId"',
      where: viewerIsMember(scope.viewerId()),
    }), CIRCUIT_MEMBER_ROW),
  itemsByCircuitId: (scope: LoaderScope) =>
    childListLoader<Item>(scope, CIRCUIT_ITEMS_ORDER, () => ({
      select: Prisma.sql`i.*`,
      from: Prisma.sql`"CircuitItem" ci JOIN "Item" i ON i.id = ci."itemId"`,
      parent: 'ci."circuitId"',
      where: viewerIsMember(scope.viewerId()),
    }), ITEM_ROW),
};
