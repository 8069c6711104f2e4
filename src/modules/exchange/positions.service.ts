import { Prisma, type Position, type PositionStatus } from '../../generated/prisma/client';
import type { Context } from '../../context';
import { badUserInput, conflict, notFound } from '../../errors';
import { TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { afterCursor, timeAndIdKey } from '../../db/keyset';
import { toConnection, type Connection, type Page } from '../../graphql/pagination';
import { decimalInput } from '../../graphql/validate';
import type { ClosePositionInput, SetPositionProtectionInput } from '../../generated/graphql';
import { money, quoteAssetOf } from './ledger';

type Deps = Pick<Context, 'prisma' | 'viewer' | 'balanceCache'>;

/** The viewer's positions across accounts, most recently opened first. */
export async function listPositions({ prisma, viewer }: Deps, page: Page, status: PositionStatus | null | undefined): Promise<Connection<Position>> {
  const where: Prisma.PositionWhereInput = { account: { userId: viewer.id }, ...(status ? { status } : {}) };
  const rows = await prisma.position.findMany({
    where: { AND: [where, afterCursor(page.after, 'openedAt', 'desc')] },
    orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
    take: page.first + 1,
  });
  return toConnection(rows, page, timeAndIdKey<Position>('openedAt'), () => prisma.position.count({ where }));
}

/** PnL of leaving `quantity` of the position at `price`: up is profit for LONG, down for SHORT. */
export function realizedPnlOf(position: Position, price: Prisma.Decimal, quantity: Prisma.Decimal): Prisma.Decimal {
  const move = price.minus(position.entryPrice).times(quantity);
  return money(position.side === 'LONG' ? move : move.negated());
}

/** Cancels every NEW order of a position in one statement. */
export function cancelOpenOrdersOf(tx: Prisma.TransactionClient, positionId: number) {
  return tx.order.updateMany({ where: { positionId, status: 'NEW' }, data: { status: 'CANCELED', canceledAt: new Date() } });
}

/**
 * Replaces a position's stop-loss and take-profit. The position is read with its owner in one
 * query; its open protective orders are canceled in one statement and the new ones placed, in
 * one transaction that only proceeds while the position is still OPEN.
 */
export async function setPositionProtection({ prisma, viewer }: Deps, positionId: number, input: SetPositionProtectionInput): Promise<Position> {
  const position = await prisma.position.findFirst({ where: { id: positionId, account: { userId: viewer.id } } });
  if (!position) throw notFound('Position');
  if (position.status !== 'OPEN') throw conflict('The position is closed');
  const stopLoss = input.stopLoss == null ? null : decimalInput(input.stopLoss, 'input.stopLoss', { greaterThan: 0 });
  const takeProfit = input.takeProfit == null ? null : decimalInput(input.takeProfit, 'input.takeProfit', { greaterThan: 0 });
  const long = position.side === 'LONG';
  if (stopLoss && (long ? !stopLoss.lessThan(position.entryPrice) : !stopLoss.greaterThan(position.entryPrice))) {
    throw badUserInput(`input.stopLoss: must be ${long ? 'below' : 'above'} the entry price ${position.entryPrice.toFixed()} for a ${position.side} position`, 'input.stopLoss');
  }
  if (takeProfit && (long ? !takeProfit.greaterThan(position.entryPrice) : !takeProfit.lessThan(position.entryPrice))) {
    throw badUserInput(`input.takeProfit: must be ${long ? 'above' : 'below'} the entry price ${position.entryPrice.toFixed()} for a ${position.side} position`, 'input.takeProfit');
  }
  const exitSide = long ? 'SELL' : 'BUY';
  const protective = (type: 'STOP_LOSS' | 'TAKE_PROFIT', price: Prisma.Decimal) => ({
    accountId: position.accountId,
    positionId,
    symbol: position.symbol,
    side: exitSide,
    type,
    quantity: position.quantity,
    price,
  } as const);

  return prisma.$transaction(async (tx) => {
    const { count } = await tx.position.updateMany({ where: { id: positionId, status: 'OPEN' }, data: { stopLoss, takeProfit } });
    if (count === 0) throw conflict('The position is closed');
    await tx.order.updateMany({
      where: { positionId, status: 'NEW', type: { in: ['STOP_LOSS', 'TAKE_PROFIT'] } },
      data: { status: 'CANCELED', canceledAt: new Date() },
    });
    const orders = [...(stopLoss ? [protective('STOP_LOSS', stopLoss)] : []), ...(takeProfit ? [protective('TAKE_PROFIT', takeProfit)] : [])];
    if (orders.length) await tx.order.createMany({ data: orders });
    return tx.position.findUniqueOrThrow({ where: { id: positionId } });
  }, TRANSACTION_OPTIONS);
}

/**
 * Closes an open position at `exitPrice` in one transaction: the conditional update lets exactly
 * one of several concurrent closes win (the others get CONFLICT), its open orders are canceled
 * in one statement, and the returned cost and the PnL are booked to the ledger.
 */
export async function closePosition(deps: Deps, positionId: number, input: ClosePositionInput): Promise<Position> {
  const { prisma, viewer } = deps;
  const exitPrice = decimalInput(input.exitPrice, 'input.exitPrice', { greaterThan: 0 });
  const closed = await prisma.$transaction(async (tx) => {
    const [claimed] = await tx.$queryRaw<Position[]>`
      UPDATE "Position" p SET status = 'CLOSED', "closedAt" = (now() AT TIME ZONE 'UTC'), "exitPrice" = CAST(${exitPrice.toFixed()} AS numeric)
      FROM "ExchangeAccount" a
      WHERE p.id = ${positionId} AND p.status = 'OPEN' AND a.id = p."accountId" AND a."userId" = ${viewer.id}
      RETURNING p.*`;
    if (!claimed) {
      const exists = await tx.position.count({ where: { id: positionId, account: { userId: viewer.id } } });
      throw exists ? conflict('The position is already closed') : notFound('Position');
    }
    const pnl = realizedPnlOf(claimed, exitPrice, claimed.quantity);
    const quote = quoteAssetOf(claimed.symbol);
    await cancelOpenOrdersOf(tx, positionId);
    await tx.ledgerEntry.createMany({
      data: [
        { accountId: claimed.accountId, asset: quote, amount: money(claimed.quantity.times(claimed.entryPrice)), kind: 'FILL', positionId },
        { accountId: claimed.accountId, asset: quote, amount: pnl, kind: 'REALIZED_PNL', positionId },
      ],
    });
    return tx.position.update({
      where: { id: positionId },
      data: { realizedPnl: (claimed.realizedPnl ? new Prisma.Decimal(claimed.realizedPnl) : new Prisma.Decimal(0)).plus(pnl) },
    });
  }, TRANSACTION_OPTIONS);
  await deps.balanceCache.invalidate(viewer.id);
  return closed;
}
