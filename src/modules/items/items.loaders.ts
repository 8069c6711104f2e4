import { Prisma, type Circuit, type Item, type ItemEvent, type ItemIdentifier, type ItemSource } from '../../generated/prisma/client';
import type { GraphQLResolveInfo } from 'graphql';
import { leanLoaderOfMany, loaderOfOne, newLoader } from '../../graphql/batch';
import { answerCarried, carriedKey, planOf, readPlan, type CarriedList, type Carriers } from '../../graphql/carried-reads';
import { statementTemplate, type StatementTemplate } from '../../db/statement-template';
import { selectedColumns } from '../../graphql/selected-fields';
import { columnSetKey, leanTable } from '../../db/lean-table';
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
/**
 * How an item asked for by dfid is read for one field of a document and one viewer: the columns
 * its selection needs, the lists its read carries, and the statement (made once: see `planOf`).
 */
interface ItemReadPlan {
  readonly carried: readonly CarriedList[];
  readonly statement: StatementTemplate<'dfids'>;
  /** The columns and carried reads as a key: reads of one plan share a statement. */
  readonly key: string;
}
interface ItemByDfidRead {
  readonly dfid: string;
  readonly plan: ItemReadPlan;
}
const readKeyOf = (read: ItemByDfidRead) => `${read.dfid}|${read.plan.key}`;

/** Loaders of items and what hangs off them, scoped to what the viewer may see. */
export const itemLoaders = {
  itemById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.item.findMany({ where: { id: { in: [...ids] }, ...visibleItems(viewerId()) } }),
      (item) => item.id,
    ),
  // Each owner has their own item per dfid: of those the viewer sees, their own, else the oldest.
  itemByDfid: (scope: LoaderScope) => {
    const loader = newLoader(async (reads: readonly ItemByDfidRead[]) => {
      // Reads of one plan share a statement; a request's plans are asked for in one turn, so
      // the wire reader sends them together.
      const plans = new Map<ItemReadPlan, ItemByDfidRead[]>();
      for (const read of reads) {
        const group = plans.get(read.plan);
        if (group) group.push(read);
        else plans.set(read.plan, [read]);
      }
      const found = new Map<string, Item>();
      await Promise.all(
        [...plans].map(async ([plan, group]) => {
          const dfids = [...new Set(group.map((read) => read.dfid))];
          const items = await wireRows<Item & Record<string, unknown>>(scope, plan.statement.with({ dfids }));
          const byDfid = new Map<string, Array<Item & Record<string, unknown>>>();
          for (const item of items) byDfid.set(item.dfid, [...(byDfid.get(item.dfid) ?? []), item]);
          for (const [dfid, candidates] of byDfid) {
            const item = preferredItem(candidates, scope.viewerId())!;
            answerCarried(item, plan.carried);
            found.set(readKeyOf({ dfid, plan }), item);
          }
        }),
      );
      return reads.map((read) => found.get(readKeyOf(read)) ?? null);
    }, readKeyOf);
    const planFor = (info: GraphQLResolveInfo, lists: Carriers): ItemReadPlan => {
      const viewerId = scope.viewerId();
      return planOf(info, String(viewerId), () => {
        // Every column in its wire form when the selection needs the full row: a read that carries reads lean.
        const { columns, carried, select } = readPlan(ITEM_ROW, selectedColumns(ITEM_ROW, info) ?? ITEM_ROW.everyColumn, info, lists);
        return {
          carried,
          statement: statementTemplate((slot) => Prisma.sql`SELECT ${select} FROM "Item" i WHERE i.dfid = ANY(${slot('dfids')}::text[]) AND ${visibleItemSql(viewerId)}`),
          key: `${columnSetKey(columns)}|${carriedKey(carried)}`,
        };
      });
    };
    return {
      /**
       * The item `dfid` names, with the columns `info`'s selection needs and, in the same
       * statement, the child lists of its selection that `lists` can carry.
       */
      load: (dfid: string, info: GraphQLResolveInfo, lists: Carriers): Promise<Item | null> => loader.load({ dfid, plan: planFor(info, lists) }),
      clearAll: () => void loader.clearAll(),
    };
  },
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
