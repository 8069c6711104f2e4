import { Prisma, type PrismaClient, type SessionEvent, type SessionStatus, type TradingSession } from '../../generated/prisma/client';
import type { Viewer } from '../../auth/api-keys';
import type { ServiceDeps } from '../../context';
import { conflict, notFound } from '../../errors';
import { isUniqueViolation, TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { afterCursorSql, byTimeThenId, keyOfRow, parsePage, toConnection, type Connection, type PageArgs } from '../../pagination';
import { readLean } from '../../db/lean-table';
import type { GraphQLResolveInfo } from 'graphql';
import { answerCarriedRows, pagePlanOf, type Carriers } from '../../graphql/carried-reads';
import { SESSION_ROW } from './session-row';
import { decimalInput, listOfAtMost, requiredText } from '../../graphql/validate';
import { parseSymbol } from '../exchange/symbols';
import type { EndTradingSessionInput, HeartbeatInput, LogSessionEventInput, StartTradingSessionInput } from '../../generated/graphql';

/** The viewer's sessions, most recently started first. */
const SESSIONS_ORDER = byTimeThenId('startedAt', 'desc', 's');

export async function listSessions(
  { prisma, viewer }: ServiceDeps,
  args: PageArgs,
  status: SessionStatus | null | undefined,
  info?: GraphQLResolveInfo,
  lists?: Carriers,
): Promise<Connection<TradingSession>> {
  const page = parsePage(args, SESSIONS_ORDER);
  const plan = pagePlanOf(SESSION_ROW, info, String(viewer.id), lists);
  const rows = await readLean<TradingSession>({ prisma }, plan.columns, Prisma.sql`
    SELECT ${plan.select} FROM "TradingSession" s
    WHERE s."userId" = ${viewer.id} AND ${status ? Prisma.sql`s.status = CAST(${status} AS "SessionStatus")` : Prisma.sql`TRUE`}
      AND ${afterCursorSql(SESSIONS_ORDER, page.after)}
    ORDER BY s."startedAt" DESC, s.id DESC LIMIT ${page.first + 1}`);
  answerCarriedRows(rows, plan);
  const where: Prisma.TradingSessionWhereInput = { userId: viewer.id, ...(status ? { status } : {}) };
  return toConnection(rows, page, keyOfRow(SESSIONS_ORDER), () => prisma.tradingSession.count({ where }));
}

/**
 * Starts a session, or recovers the viewer's RUNNING session with the same key: a bot that
 * crashed and restarts carries on where it was instead of opening a second session. The partial
 * unique index (one RUNNING session per user and key) settles concurrent starts.
 */
export async function startTradingSession({ prisma, viewer }: ServiceDeps, input: StartTradingSessionInput): Promise<TradingSession> {
  const sessionKey = requiredText(input.sessionKey, 'input.sessionKey', 200);
  const initialBalance = decimalInput(input.initialBalance, 'input.initialBalance', { min: 0 });
  // Stored as BASE-QUOTE, once each: `EURUSD` and `EUR-USD` are one symbol.
  const symbols = [...new Set(listOfAtMost(input.symbols, 'input.symbols', 100).map((symbol, index) => parseSymbol(symbol, `input.symbols[${index}]`)))];

  for (let attempt = 0; attempt < 3; attempt++) {
    const running = await prisma.tradingSession.findFirst({ where: { userId: viewer.id, sessionKey, status: 'RUNNING' } });
    if (running) {
      const recovered = await recoverSession(prisma, running, {
        initialBalance: initialBalance.toFixed(),
        symbols,
        previousHeartbeatAt: running.lastHeartbeatAt?.toISOString() ?? null,
      });
      if (recovered) return recovered;
      continue; // it ended in the meantime: its key is free again
    }
    try {
      return await prisma.tradingSession.create({ data: { userId: viewer.id, sessionKey, initialBalance, currentBalance: initialBalance, symbols } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another start won the race: recover its session
    }
  }
  throw conflict(`Session ${sessionKey} is being started concurrently; retry`);
}

/**
 * Marks `session` recovered and records a SESSION_RECOVERED event, in one statement that only
 * acts while the session is still RUNNING (a session ended meanwhile is not revived): null then.
 */
async function recoverSession(prisma: PrismaClient, session: TradingSession, data: Prisma.InputJsonObject): Promise<TradingSession | null> {
  const [recovered] = await prisma.$queryRaw<TradingSession[]>`
    WITH recovered AS (
      UPDATE "TradingSession" SET recovered = true
      WHERE id = ${session.id} AND status = 'RUNNING'
      RETURNING *
    ), event AS (
      INSERT INTO "SessionEvent" ("sessionId", type, "occurredAt", data)
      SELECT id, 'SESSION_RECOVERED', (now() AT TIME ZONE 'UTC'), CAST(${JSON.stringify(data)} AS jsonb) FROM recovered
    )
    SELECT * FROM recovered`;
  return recovered ?? null;
}

/** The viewer's session, or NOT_FOUND (another user's session reads as missing). */
async function ownSession(prisma: PrismaClient, viewer: Viewer, sessionId: number): Promise<TradingSession> {
  const session = await prisma.tradingSession.findFirst({ where: { id: sessionId, userId: viewer.id } });
  if (!session) throw notFound('Trading session');
  return session;
}

/** Records a heartbeat; only a RUNNING session takes one. */
export async function heartbeat({ prisma, viewer }: ServiceDeps, sessionId: number, input: HeartbeatInput): Promise<TradingSession> {
  const currentBalance = decimalInput(input.currentBalance, 'input.currentBalance', { min: 0 });
  const { count } = await prisma.tradingSession.updateMany({
    where: { id: sessionId, userId: viewer.id, status: 'RUNNING' },
    data: { lastHeartbeatAt: new Date(), currentBalance },
  });
  const session = await ownSession(prisma, viewer, sessionId);
  if (count === 0) throw conflict('The session has ended; it takes no more heartbeats');
  return session;
}

/**
 * Ends a RUNNING session with totals recounted from its trades, so they match the trades
 * whatever was logged concurrently. The session row is locked first: a `logTrade` in flight
 * holds that lock until it commits, and the recount is a later statement (a fresh snapshot in
 * READ COMMITTED), so it sees every trade logged before the end; `logTrade`s after it find the
 * session STOPPED. (A single UPDATE ... FROM (recount) would wait for the lock but keep the
 * recount of its older snapshot, missing the trade it waited for.)
 */
export async function endTradingSession({ prisma, viewer }: ServiceDeps, sessionId: number, input: EndTradingSessionInput): Promise<TradingSession> {
  const finalBalance = input.finalBalance == null ? null : decimalInput(input.finalBalance, 'input.finalBalance', { min: 0 }).toFixed();
  const ended = await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: number }>>`
      SELECT id FROM "TradingSession" WHERE id = ${sessionId} AND "userId" = ${viewer.id} AND status = 'RUNNING' FOR UPDATE`;
    if (locked.length === 0) return null;
    const [row] = await tx.$queryRaw<TradingSession[]>`
      UPDATE "TradingSession" s SET
        status = 'STOPPED',
        "endedAt" = (statement_timestamp() AT TIME ZONE 'UTC'), -- once the lock is held, not when the transaction began
        "endReason" = CAST(${input.reason} AS "SessionEndReason"),
        "totalTrades" = totals.trades,
        "totalPnl" = totals.pnl,
        "finalBalance" = coalesce(CAST(${finalBalance} AS numeric), s."currentBalance", s."initialBalance" + totals.pnl)
      FROM (SELECT count(*)::int AS trades, coalesce(sum(pnl), 0) AS pnl FROM "Trade" WHERE "sessionId" = ${sessionId}) totals
      WHERE s.id = ${sessionId}
      RETURNING s.*`;
    return row!;
  }, TRANSACTION_OPTIONS);
  if (ended) return ended;
  await ownSession(prisma, viewer, sessionId);
  throw conflict('The session has already ended');
}

/** Stores a typed event with JSON data on one of the viewer's sessions. */
export async function logSessionEvent({ prisma, viewer }: ServiceDeps, sessionId: number, input: LogSessionEventInput): Promise<SessionEvent> {
  const type = requiredText(input.type, 'input.type', 100);
  await ownSession(prisma, viewer, sessionId);
  return prisma.sessionEvent.create({
    data: {
      sessionId,
      type,
      occurredAt: input.occurredAt ?? undefined,
      data: (input.data ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}
