import { Prisma, type Circuit, type Item, type ItemEvent, type ItemIdentifier, type ItemSource } from '../../generated/prisma/client';
import { leanLoaderOfMany, loaderOfOne } from '../../graphql/batch';
import { leanTable } from '../../db/lean-table';
import { byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';
import { preferredItem, visibleItemSql, visibleItems } from './item-access';
import { wireRows } from '../../db/wire-rows';
import { CIRCUIT_ROW } from '../circuits/circuit-row';
import { ITEM_ROW } from './item-row';

/** An item's events, newest first. */
export const ITEM_EVENTS_ORDER = byTimeThenId('occurredAt', 'desc', 'e');
/** The circuits an item was pushed to, most recently pushed first. */
export const ITEM_CIRCUITS_ORDER = byTimeThenId('pushedAt', 'desc', 'ci');

/** An item's identifiers and sources (with their parent's id), events and circuits as lean reads see them. */
const ITEM_IDENTIFIER_ROW = leanTable({
  alias: 'x',
  columns: { id: 'plain', itemId: 'plain', key: 'plain', value: 'plain' },
  fields: {},
  always: ['id', 'itemId'],
});
const ITEM_SOURCE_ROW = leanTable({
  alias: 's',
  columns: { id: 'plain', itemId: 'plain', userId: 'plain', source: 'plain', entryRef: 'plain', receivedAt: 'timestamp' },
  fields: {},
  always: ['id', 'itemId'],
});
const ITEM_EVENT_ROW = leanTable({
  alias: 'e',
  columns: { id: 'plain', itemId: 'plain', type: 'plain', occurredAt: 'timestamp', source: 'plain', data: 'plain' },
  fields: { item: ['itemId'] },
});
/** Loaders of items and what hangs off them, scoped to what the viewer may see. */
export const itemLoaders = {
  itemById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.item.findMany({ where: { id: { in: [...ids] }, ...visibleItems(viewerId()) } }),
      (item) => item.id,
    ),
  // Each owner has their own item per dfid: of those the viewer sees, their own, else the oldest.
  itemByDfid: (scope: LoaderScope) =>
    loaderOfOne(
      async (dfids: readonly string[]) => {
        // Every column in its wire form (the field's selection is not known to a dfid's load).
        const items = await wireRows<Item>(
          scope,
          Prisma.sql`SELECT ${ITEM_ROW.select(ITEM_ROW.everyColumn)} FROM "Item" i WHERE i.dfid = ANY(${[...dfids]}::text[]) AND ${visibleItemSql(scope.viewerId())}`,
        );
        const byDfid = new Map<string, Item[]>();
        for (const item of items) byDfid.set(item.dfid, [...(byDfid.get(item.dfid) ?? []), item]);
        return [...byDfid.values()].map((candidates) => preferredItem(candidates, scope.viewerId())!);
      },
      (item) => item.dfid,
    ),
  itemEventById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.itemEvent.findMany({ where: { id: { in: [...ids] }, item: visibleItems(viewerId()) } }),
      (event) => event.id,
    ),
  identifiersByItemId: (scope: LoaderScope) =>
    leanLoaderOfMany<ItemIdentifier>(
      scope,
      ITEM_IDENTIFIER_ROW,
      (itemIds, select) => Prisma.sql`SELECT ${select} FROM "ItemIdentifier" x WHERE x."itemId" = ANY(${itemIds}::int[]) ORDER BY x.id`,
      (identifier) => identifier.itemId,
    ),
  sourcesByItemId: (scope: LoaderScope) =>
    leanLoaderOfMany<ItemSource>(
      scope,
      ITEM_SOURCE_ROW,
      (itemIds, select) => Prisma.sql`
        SELECT ${select} FROM "ItemSource" s WHERE s."itemId" = ANY(${itemIds}::int[]) ORDER BY s."receivedAt" DESC, s.id DESC`,
      (source) => source.itemId,
    ),
  eventsByItemId: (scope: LoaderScope) =>
    childListLoader<ItemEvent>(scope, ITEM_EVENTS_ORDER, () => ({
      select: Prisma.sql`e.*`,
      from: Prisma.sql`"ItemEvent" e`,
      parent: 'e."itemId"',
    }), ITEM_EVENT_ROW),
  /** The viewer's circuits an item was pushed to (never other users' circuits). */
  circuitsByItemId: (scope: LoaderScope) =>
    childListLoader<Circuit>(scope, ITEM_CIRCUITS_ORDER, () => ({
      select: Prisma.sql`c.*`,
      from: Prisma.sql`"CircuitItem" ci JOIN "Circuit" c ON c.id = ci."circuitId"`,
      parent: 'ci."itemId"',
      where: Prisma.sql`EXISTS (SELECT 1 FROM "CircuitMember" m WHERE m."circuitId" = c.id AND m."userId" = ${scope.viewerId()})`,
    }), CIRCUIT_ROW),
};
