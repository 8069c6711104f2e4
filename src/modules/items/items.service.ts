import { Prisma, type Item, type ItemEvent, type PrismaClient } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { forbidden, notFound } from '../../errors';
import { isUniqueViolation, withPrismaErrors } from '../../db/prisma-errors';
import { afterCursorSql, byId, keyOfRow, parsePage, toConnection, type Connection, type Page, type PageArgs } from '../../pagination';
import { listOfAtMost, numberInRange, optionalText, requiredText } from '../../graphql/validate';
import type { ItemFilter, RecordItemEventInput, StoreItemInput } from '../../generated/graphql';
import { itemToWrite, visibleItems } from './item-access';
import { ITEM_ROW } from './item-row';
import type { SelectionOf } from '../../graphql/batch';
import { selectedColumns } from '../../graphql/selected-fields';
import { readLean, type ColumnSet } from '../../db/lean-table';

const ITEMS_ORDER = byId('desc', 'i');

/** The viewer's items, newest first, narrowed by `filter`. */
export async function listItems(
  { prisma, viewer }: ServiceDeps,
  args: PageArgs,
  filter: ItemFilter | null | undefined,
  info?: SelectionOf,
): Promise<Connection<Item>> {
  const where: Prisma.ItemWhereInput = {
    AND: [
      visibleItems(viewer.id),
      filter?.dfidPrefix ? { dfid: { startsWith: likeLiteral(filter.dfidPrefix) } } : {},
      filter?.alias ? { aliases: { has: filter.alias } } : {},
      typeof filter?.legacyMode === 'boolean' ? { legacyMode: filter.legacyMode } : {},
      typeof filter?.minConfidence === 'number' ? { confidenceScore: { gte: filter.minConfidence } } : {},
    ],
  };
  const page = parsePage(args, ITEMS_ORDER);
  const columns = selectedColumns(ITEM_ROW, info, ['edges', 'node']);
  const rows = await visibleItemsPage(prisma, viewer.id, page, filter, columns);
  return toConnection(rows, page, keyOfRow(ITEMS_ORDER), () => prisma.item.count({ where }));
}

/**
 * One page of the items a user can see, newest first, in one statement. Each way of seeing an
 * item (owning it, having stored it, its being in one of the user's circuits) is read from its
 * own index in id order and stops after `first + 1` ids; the union of the three is the page.
 * (A single OR of EXISTS conditions makes PostgreSQL collect every visible id first.)
 */
function visibleItemsPage(prisma: PrismaClient, userId: number, page: Page, filter: ItemFilter | null | undefined, columns: ColumnSet): Promise<Item[]> {
  const limit = page.first + 1;
  const conditions = [
    filter?.dfidPrefix ? Prisma.sql`i.dfid LIKE ${`${likeLiteral(filter.dfidPrefix)}%`}` : null,
    filter?.alias ? Prisma.sql`i.aliases @> ARRAY[${filter.alias}]::text[]` : null,
    typeof filter?.legacyMode === 'boolean' ? Prisma.sql`i."legacyMode" = ${filter.legacyMode}` : null,
    typeof filter?.minConfidence === 'number' ? Prisma.sql`i."confidenceScore" >= ${filter.minConfidence}` : null,
  ].filter((condition): condition is Prisma.Sql => condition !== null);
  const matches = conditions.length ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
  // Each branch reads the id from its own table: the same cursor condition on another column.
  const before = (column: string) => afterCursorSql(ITEMS_ORDER, page.after, [column]);
  return readLean<Item>({ prisma }, columns, Prisma.sql`
    WITH page_ids AS (
      SELECT id FROM (
        (SELECT i.id FROM "Item" i
          WHERE i."ownerId" = ${userId} AND ${before('i.id')} AND ${matches}
          ORDER BY i.id DESC LIMIT ${limit})
        UNION
        (SELECT DISTINCT s."itemId" AS id FROM "ItemSource" s JOIN "Item" i ON i.id = s."itemId"
          WHERE s."userId" = ${userId} AND ${before('s."itemId"')} AND ${matches}
          ORDER BY s."itemId" DESC LIMIT ${limit})
        UNION
        (SELECT DISTINCT ci."itemId" AS id FROM "CircuitMember" m
          JOIN "CircuitItem" ci ON ci."circuitId" = m."circuitId" JOIN "Item" i ON i.id = ci."itemId"
          WHERE m."userId" = ${userId} AND ${before('ci."itemId"')} AND ${matches}
          ORDER BY ci."itemId" DESC LIMIT ${limit})
      ) visible
      ORDER BY id DESC LIMIT ${limit}
    )
    SELECT ${ITEM_ROW.select(columns)} FROM "Item" i JOIN page_ids USING (id) ORDER BY i.id DESC`);
}

/**
 * `text` for a Prisma `startsWith`, which becomes a LIKE pattern without escaping: `_`, `%` and
 * the escape character itself must match only themselves.
 */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The viewer's items carrying identifier `key` = `value` (one indexed statement). */
export function itemsByIdentifier({ prisma, viewer }: ServiceDeps, key: string, value: string): Promise<Item[]> {
  return prisma.item.findMany({
    where: { AND: [visibleItems(viewer.id), { identifiers: { some: { key, value } } }] },
    orderBy: { id: 'desc' },
    take: 100,
  });
}

const MAX_IDENTIFIERS = 50;
const MAX_ALIASES = 50;

/**
 * Creates the item, or merges into the stored one when the viewer may write it: identifiers
 * and aliases are added (never removed), given scalars replace the stored ones, and the
 * source is recorded either way.
 */
export async function storeItem({ prisma, viewer }: ServiceDeps, input: StoreItemInput): Promise<Item> {
  const dfid = requiredText(input.dfid, 'input.dfid', 200);
  const identifiers = listOfAtMost(input.identifiers, 'input.identifiers', MAX_IDENTIFIERS).map((identifier, index) => ({
    key: requiredText(identifier.key, `input.identifiers[${index}].key`, 100),
    value: requiredText(identifier.value, `input.identifiers[${index}].value`, 500),
  }));
  const aliases = [
    ...new Set(listOfAtMost(input.aliases, 'input.aliases', MAX_ALIASES).map((alias) => requiredText(alias, 'input.aliases', 200))),
  ];
  const source = { source: requiredText(input.source, 'input.source', 100), entryRef: optionalText(input.entryRef, 'input.entryRef', 500) ?? null };
  const scalars = {
    ...(input.fingerprint != null ? { fingerprint: requiredText(input.fingerprint, 'input.fingerprint', 500) } : {}),
    ...(input.confidenceScore != null ? { confidenceScore: numberInRange(input.confidenceScore, 'input.confidenceScore', 0, 1) } : {}),
    ...(input.legacyMode != null ? { legacyMode: input.legacyMode } : {}),
  };

  // Merge into the item the viewer may change; one they can only read is FORBIDDEN; one they
  // cannot see does not exist for them (they get their own item with that dfid).
  let target = await itemToWrite(prisma, viewer.id, dfid);
  if (target === null) {
    try {
      return await prisma.item.create({
        data: {
          dfid,
          ownerId: viewer.id,
          aliases,
          ...scalars,
          identifiers: { createMany: { data: identifiers, skipDuplicates: true } },
          sources: { create: { ...source, userId: viewer.id } },
        },
      });
    } catch (error) {
      // Another request of this viewer created the same dfid first: merge into it.
      if (!isUniqueViolation(error)) throw error;
      target = await itemToWrite(prisma, viewer.id, dfid);
    }
  }
  return withPrismaErrors('Item', async () => {
    if (target === 'read-only' || target === null) throw forbidden(`Item ${dfid} is not yours to change`);
    const writable = target;
    const itemId = writable.id;
    const [, , , item] = await prisma.$transaction([
      // Merging in SQL keeps concurrent stores from losing each other's aliases; the stored
      // aliases keep their order and new ones follow in the order given.
      prisma.$executeRaw`UPDATE "Item" SET aliases = ARRAY(
          SELECT alias FROM unnest(aliases || ${aliases}::text[]) WITH ORDINALITY AS merged(alias, position)
          GROUP BY alias ORDER BY min(position)
        ), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = ${itemId}`,
      prisma.itemIdentifier.createMany({ data: identifiers.map((identifier) => ({ ...identifier, itemId })), skipDuplicates: true }),
      prisma.itemSource.create({ data: { ...source, itemId, userId: viewer.id } }),
      prisma.item.update({ where: { id: itemId }, data: scalars }),
    ]);
    return item;
  });
}

/** Records an event on an item the viewer may write; NOT_FOUND when they cannot see it. */
export async function recordItemEvent({ prisma, viewer }: ServiceDeps, input: RecordItemEventInput): Promise<ItemEvent> {
  const dfid = requiredText(input.dfid, 'input.dfid', 200);
  const type = requiredText(input.type, 'input.type', 100);
  const item = await itemToWrite(prisma, viewer.id, dfid);
  if (item === null) throw notFound(`Item ${dfid}`);
  if (item === 'read-only') throw forbidden(`You may only read item ${dfid}`);
  return prisma.itemEvent.create({
    data: {
      itemId: item.id,
      type,
      occurredAt: input.occurredAt ?? undefined,
      source: optionalText(input.source, 'input.source', 100) ?? null,
      data: (input.data ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}
