import { Prisma, type Position, type PositionStatus } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { badUserInput, conflict, notFound } from '../../errors';
import { TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { afterCursorWhere, byTimeThenId, keyOfRow, parsePage, prismaOrderBy, toConnection, type Connection, type PageArgs } from '../../pagination';
import { decimalInput, storableAmount } from '../../graphql/validate';
import type { ClosePositionInput, PositionFilter, SetPositionProtectionInput } from '../../generated/graphql';
import { lockOwnPosition, money, quoteAssetOf } from './ledger';
import { parseSymbol } from './symbols';

const POSITIONS_ORDER = byTimeThenId('openedAt', 'desc');

/** `PositionFilter` with its account's global ID decoded. */
export type PositionListFilter = Omit<PositionFilter, 'accountId'> & { accountId?: number | null };

/**
 * The viewer's positions across accounts, most recently opened first, narrowed by `status` and
 * `filter` (every field given must hold; another user's account matches nothing). The filter
 * narrows the rows, not the order, so a cursor of a filtered page continues that list.
 */
export async function listPositions(
  { prisma, viewer }: ServiceDeps,
  args: PageArgs,
  status: PositionStatus | null | undefined,
  filter: PositionListFilter | null | undefined,
): Promise<Connection<Position>> {
  const where: Prisma.PositionWhereInput = {
    account: { userId: viewer.id },
    ...(status ? { status } : {}),
    ...(filter?.accountId ? { accountId: filter.accountId } : {}),
    ...(filter?.symbol != null ? { symbol: parseSymbol(filter.symbol, 'filter.symbol') } : {}),
    ...(filter?.side ? { side: filter.side } : {}),
  };
  const page = parsePage(args, POSITIONS_ORDER);
  const rows = await prisma.position.findMany({
    where: { AND: [where, afterCursorWhere(POSITIONS_ORDER, page.after)] },
    orderBy: prismaOrderBy(POSITIONS_ORDER),
    take: page.first + 1,
  });
  return toConnection(rows, page, keyOfRow(POSITIONS_ORDER), () => prisma.position.count({ where }));
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
 * Replaces a position's stop-loss and take-profit. In one transaction: the position is read with
 * its owner while its account is locked (ledger.ts), so it is current and stays so; its open
 * protective orders are canceled in one statement and the new ones placed. Levels must lie on
 * the right side of the entry price: below it for a LONG's stop-loss, above for its take-profit.
 */
export async function setPositionProtection({ prisma, viewer }: ServiceDeps, positionId: number, input: SetPositionProtectionInput): Promise<Position> {
  const stopLoss = input.stopLoss == null ? null : decimalInput(input.stopLoss, 'input.stopLoss', { greaterThan: 0 });
  const takeProfit = input.takeProfit == null ? null : decimalInput(input.takeProfit, 'input.takeProfit', { greaterThan: 0 });
  return prisma.$transaction(async (tx) => {
    const position = await lockOwnPosition(tx, positionId, viewer.id);
    if (!position) throw notFound('Position');
    if (position.status !== 'OPEN') throw conflict('The position is closed');
    checkLevels(position, stopLoss, takeProfit);
    const protective = (type: 'STOP_LOSS' | 'TAKE_PROFIT', price: Prisma.Decimal) =>
      ({
        accountId: position.accountId,
        positionId,
        symbol: position.symbol,
        side: position.side === 'LONG' ? 'SELL' : 'BUY',
        type,
        quantity: position.quantity,
        price,
      }) as const;
    await tx.order.updateMany({
      where: { positionId, status: 'NEW', type: { in: ['STOP_LOSS', 'TAKE_PROFIT'] } },
      data: { status: 'CANCELED', canceledAt: new Date() },
    });
    const orders = [...(stopLoss ? [protective('STOP_LOSS', stopLoss)] : []), ...(takeProfit ? [protective('TAKE_PROFIT', takeProfit)] : [])];
    if (orders.length) await tx.order.createMany({ data: orders });
    return tx.position.update({ where: { id: positionId }, data: { stopLoss, takeProfit } });
  }, TRANSACTION_OPTIONS);
}

/** BAD_USER_INPUT naming the level that lies on the wrong side of the entry price. */
function checkLevels(position: Position, stopLoss: Prisma.Decimal | null, takeProfit: Prisma.Decimal | null): void {
  const long = position.side === 'LONG';
  const entry = position.entryPrice;
  if (stopLoss && (long ? !stopLoss.lessThan(entry) : !stopLoss.greaterThan(entry))) {
    throw badUserInput(`input.stopLoss: must be ${long ? 'below' : 'above'} the entry price ${entry.toFixed()} for a ${position.side} position`, 'input.stopLoss');
  }
  if (takeProfit && (long ? !takeProfit.greaterThan(entry) : !takeProfit.lessThan(entry))) {
    throw badUserInput(`input.takeProfit: must be ${long ? 'above' : 'below'} the entry price ${entry.toFixed()} for a ${position.side} position`, 'input.takeProfit');
  }
}

/**
 * Closes an open position at `exitPrice` in one transaction: under its account's lock (so of
 * several concurrent closes, or a close and an order reducing the position, exactly one finds it
 * OPEN; the others get CONFLICT), its open orders are canceled in one statement, and the
 * returned cost (FILL +quantity x entry) and the PnL (REALIZED_PNL) are booked to the ledger.
 */
export async function closePosition(deps: ServiceDeps, positionId: number, input: ClosePositionInput): Promise<Position> {
  const { prisma, viewer } = deps;
  const exitPrice = decimalInput(input.exitPrice, 'input.exitPrice', { greaterThan: 0 });
  const closed = await prisma.$transaction(async (tx) => {
    const position = await lockOwnPosition(tx, positionId, viewer.id);
    if (!position) throw notFound('Position');
    if (position.status !== 'OPEN') return null;
    const pnl = storableAmount(realizedPnlOf(position, exitPrice, position.quantity), 'input.exitPrice', "the position's realized PnL at this price");
    const realizedPnl = storableAmount((position.realizedPnl ?? new Prisma.Decimal(0)).plus(pnl), 'input.exitPrice', "the position's realized PnL at this price");
    const quote = quoteAssetOf(position.symbol);
    await cancelOpenOrdersOf(tx, positionId);
    await tx.ledgerEntry.createMany({
      data: [
        { accountId: position.accountId, asset: quote, amount: money(position.quantity.times(position.entryPrice)), kind: 'FILL', positionId },
        { accountId: position.accountId, asset: quote, amount: pnl, kind: 'REALIZED_PNL', positionId },
      ],
    });
    return tx.position.update({
      where: { id: positionId },
      data: { status: 'CLOSED', closedAt: new Date(), exitPrice, realizedPnl },
    });
  }, TRANSACTION_OPTIONS);
  if (!closed) throw conflict('The position is already closed');
  return closed;
}
