import type { Prisma, Trade } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { GraphQLError } from 'graphql';
import { conflict, ErrorCode, notFound } from '../../errors';
import { afterCursorWhere, byTimeThenId, keyOfRow, parsePage, prismaOrderBy, toConnection, type Connection, type PageArgs } from '../../pagination';
import { decimalInput, optionalText, requiredText } from '../../graphql/validate';
import type { LogTradeInput, TradeFilter } from '../../generated/graphql';
import { canonicalSymbol, parseSymbol, storedSpellings } from '../exchange/symbols';
import { canonicalDirection, directionInput } from './directions';

const TRADES_ORDER = byTimeThenId('executedAt', 'desc');

/** `TradeFilter` with its global IDs decoded. */
export type TradeListFilter = Omit<TradeFilter, 'sessionId' | 'positionId'> & { sessionId?: number | null; positionId?: number | null };

/**
 * The viewer's trades, newest first, narrowed by `filter` (every field given must hold). A symbol
 * matches both its spellings (`EUR-USD`, and the `EURUSD` of trades logged before symbols were
 * normalised); a direction its stored form (`1` finds `BUY`). The filter narrows the rows, not
 * the order, so a cursor of a filtered page continues that list.
 */
export async function listTrades({ prisma, viewer }: ServiceDeps, args: PageArgs, filter: TradeListFilter | null | undefined): Promise<Connection<Trade>> {
  const where: Prisma.TradeWhereInput = {
    userId: viewer.id,
    ...(filter?.sessionId ? { sessionId: filter.sessionId } : {}),
    ...(filter?.positionId ? { positionId: filter.positionId } : {}),
    ...(typeof filter?.isPaper === 'boolean' ? { isPaper: filter.isPaper } : {}),
    ...(filter?.symbol != null ? { symbol: { in: storedSpellings(parseSymbol(filter.symbol, 'filter.symbol')) } } : {}),
    ...(filter?.action ? { action: filter.action } : {}),
    ...(filter?.direction != null ? { direction: directionInput(filter.direction, 'filter.direction') } : {}),
    ...(filter?.from || filter?.to
      ? { executedAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
  const page = parsePage(args, TRADES_ORDER);
  const rows = await prisma.trade.findMany({
    where: { AND: [where, afterCursorWhere(TRADES_ORDER, page.after)] },
    orderBy: prismaOrderBy(TRADES_ORDER),
    take: page.first + 1,
  });
  return toConnection(rows, page, keyOfRow(TRADES_ORDER), () => prisma.trade.count({ where }));
}

const optionalDecimal = (value: string | null | undefined, field: string) =>
  value == null ? null : decimalInput(value, field).toFixed();

/** Decimal columns compared by value (`1.50` is `1.5`); null only equals null. */
const sameDecimal = (stored: Prisma.Decimal | null, given: string | null) => (stored === null || given === null ? stored === given : stored.equals(given));

/** Whether a stored trade is what this request logs (a true retry of it). */
function sameTrade(
  stored: Trade,
  values: { symbol: string; direction: string; volume: string; entryPrice: string | null; exitPrice: string | null; pnl: string | null; pnlPips: string | null; commission: string | null; comment: string | null; executedAt: string | null; positionId: number | null },
  input: LogTradeInput,
): boolean {
  return (
    // A trade logged before symbols were normalised holds the compact form (`EURUSD`).
    (canonicalSymbol(stored.symbol) ?? stored.symbol) === values.symbol &&
    canonicalDirection(stored.direction) === values.direction &&
    stored.action === input.action &&
    (stored.intensity ?? null) === (input.intensity ?? null) &&
    (stored.hmmState ?? null) === (input.hmmState ?? null) &&
    stored.isPaper === (input.isPaper ?? false) &&
    (stored.comment ?? null) === values.comment &&
    (stored.positionId ?? null) === values.positionId &&
    sameDecimal(stored.volume, values.volume) &&
    sameDecimal(stored.entryPrice, values.entryPrice) &&
    sameDecimal(stored.exitPrice, values.exitPrice) &&
    sameDecimal(stored.pnl, values.pnl) &&
    sameDecimal(stored.pnlPips, values.pnlPips) &&
    sameDecimal(stored.commission, values.commission) &&
    (values.executedAt === null || stored.executedAt.toISOString() === values.executedAt)
  );
}

/**
 * Logs a trade in one statement that inserts it (unless (session, tradeId) exists) and adds it
 * to the session's totals, so 20 identical retries arriving at once store one trade and count
 * it once. A retry gets the stored trade back, even after the session has ended. The statement
 * locks the session row before inserting, so a concurrent endTradingSession either counts the
 * trade or makes it a CONFLICT (never a trade in a STOPPED session that its totals miss).
 */
export async function logTrade(
  { prisma, viewer }: ServiceDeps,
  sessionId: number,
  positionId: number | null,
  input: LogTradeInput,
): Promise<Trade> {
  const tradeId = requiredText(input.tradeId, 'input.tradeId', 100);
  const values = {
    symbol: parseSymbol(input.symbol, 'input.symbol'),
    direction: directionInput(input.direction, 'input.direction'),
    volume: decimalInput(input.volume, 'input.volume', { greaterThan: 0 }).toFixed(),
    entryPrice: optionalDecimal(input.entryPrice, 'input.entryPrice'),
    exitPrice: optionalDecimal(input.exitPrice, 'input.exitPrice'),
    pnl: optionalDecimal(input.pnl, 'input.pnl'),
    pnlPips: optionalDecimal(input.pnlPips, 'input.pnlPips'),
    commission: optionalDecimal(input.commission, 'input.commission'),
    comment: optionalText(input.comment, 'input.comment', 1000) ?? null,
    executedAt: input.executedAt ? input.executedAt.toISOString() : null,
    positionId,
  };
  if (values.positionId !== null) {
    const owned = await prisma.position.count({ where: { id: values.positionId, account: { userId: viewer.id } } });
    if (!owned) throw notFound('Position');
  }

  const inserted = await prisma.$queryRaw<Trade[]>`
    WITH session AS (
      -- The row lock orders this statement with endTradingSession (see there).
      SELECT id, "userId" FROM "TradingSession" WHERE id = ${sessionId} AND "userId" = ${viewer.id} AND status = 'RUNNING' FOR UPDATE
    ), inserted AS (
      INSERT INTO "Trade" ("sessionId", "userId", "tradeId", "executedAt", symbol, direction, intensity, action, volume,
                           "entryPrice", "exitPrice", pnl, "pnlPips", commission, "hmmState", "isPaper", comment, "positionId")
      SELECT s.id, s."userId", ${tradeId}, coalesce(CAST(${values.executedAt} AS timestamp(3)), (now() AT TIME ZONE 'UTC')),
             ${values.symbol}, ${values.direction}, CAST(${input.intensity ?? null} AS double precision), CAST(${input.action} AS "TradeAction"),
             CAST(${values.volume} AS numeric), CAST(${values.entryPrice} AS numeric), CAST(${values.exitPrice} AS numeric),
             CAST(${values.pnl} AS numeric), CAST(${values.pnlPips} AS numeric), CAST(${values.commission} AS numeric),
             CAST(${input.hmmState ?? null} AS int), ${input.isPaper ?? false}, ${values.comment}, CAST(${values.positionId} AS int)
      FROM session s
      ON CONFLICT ("sessionId", "tradeId") DO NOTHING
      RETURNING *
    ), totals AS (
      UPDATE "TradingSession" t
      SET "totalTrades" = t."totalTrades" + 1, "totalPnl" = t."totalPnl" + coalesce((SELECT pnl FROM inserted), 0)
      WHERE t.id IN (SELECT "sessionId" FROM inserted)
    )
    SELECT * FROM inserted`;
  if (inserted[0]) return inserted[0];

  const stored = await prisma.trade.findFirst({ where: { sessionId, tradeId, userId: viewer.id } });
  if (stored) {
    // The same tradeId with other content is another trade, not a retry (Stripe's rule).
    if (!sameTrade(stored, values, input)) {
      throw new GraphQLError(`input.tradeId: ${JSON.stringify(tradeId)} was already logged in this session with different content`, {
        extensions: { code: ErrorCode.CONFLICT, field: 'input.tradeId' },
      });
    }
    return stored;
  }
  const session = await prisma.tradingSession.findFirst({ where: { id: sessionId, userId: viewer.id }, select: { id: true } });
  if (!session) throw notFound('Trading session');
  throw conflict('The session has ended; it takes no more trades');
}
