import { Prisma, type Order, type Position } from '../../generated/prisma/client';
import type { Context } from '../../context';
import { badUserInput, conflict, notFound } from '../../errors';
import { isUniqueViolation, TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { idOfType } from '../../graphql/global-id';
import { decimalInput, optionalText } from '../../graphql/validate';
import type { CreateOrderInput } from '../../generated/graphql';
import { checkSymbol, lockOwnAccount, money, quoteAssetOf, requireFunds } from './ledger';
import { cancelOpenOrdersOf, realizedPnlOf } from './positions.service';

type Deps = Pick<Context, 'prisma' | 'viewer' | 'balanceCache' | 'settings'>;
type Tx = Prisma.TransactionClient;

interface Fill {
  accountId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: Prisma.Decimal;
  price: Prisma.Decimal;
  feeRate: Prisma.Decimal;
}

/**
 * Places an order on the paper exchange. MARKET fills at once at the given price: it opens a
 * position (or grows the account's open one on that symbol and side), or, given an
 * opposite-side `positionId`, reduces or closes that position, booking the fill and the fee.
 * LIMIT stays NEW and its notional is locked. A retry with the same clientOrderId returns the
 * first order. The account's row lock makes its balance checks and bookings one at a time.
 */
export async function createOrder(deps: Deps, input: CreateOrderInput): Promise<Order> {
  const { prisma, viewer } = deps;
  const accountId = idOfType(input.accountId, 'ExchangeAccount', 'input.accountId');
  const positionId = input.positionId ? idOfType(input.positionId, 'Position', 'input.positionId') : null;
  if (input.type !== 'MARKET' && input.type !== 'LIMIT') {
    throw badUserInput('input.type: MARKET or LIMIT (protective orders come from setPositionProtection)', 'input.type');
  }
  const fill: Fill = {
    accountId,
    symbol: checkSymbol(input.symbol, 'input.symbol'),
    side: input.side,
    quantity: decimalInput(input.quantity, 'input.quantity', { greaterThan: 0 }),
    price: decimalInput(input.price, 'input.price', { greaterThan: 0 }),
    feeRate: new Prisma.Decimal(deps.settings.exchangeFeeRate),
  };
  const clientOrderId = optionalText(input.clientOrderId, 'input.clientOrderId', 64) ?? null;
  const retried = () => (clientOrderId ? prisma.order.findFirst({ where: { accountId, clientOrderId, account: { userId: viewer.id } } }) : null);
  const earlier = await retried();
  if (earlier) return earlier;

  let order: Order;
  try {
    order = await prisma.$transaction(async (tx) => {
      if (!(await lockOwnAccount(tx, accountId, viewer.id))) throw notFound('Exchange account');
      const position = positionId ? await targetPosition(tx, accountId, positionId, fill.symbol) : null;
      if (input.type === 'LIMIT') {
        await requireFunds(tx, accountId, quoteAssetOf(fill.symbol), fill.quantity.times(fill.price));
        return tx.order.create({
          data: { accountId, positionId, clientOrderId, symbol: fill.symbol, side: fill.side, type: 'LIMIT', quantity: fill.quantity, price: fill.price },
        });
      }
      const filledPosition =
        position && sideOf(fill.side) !== position.side ? await reduce(tx, position, fill) : await openOrGrow(tx, position, fill);
      return tx.order.create({
        data: {
          accountId,
          positionId: filledPosition.id,
          clientOrderId,
          symbol: fill.symbol,
          side: fill.side,
          type: 'MARKET',
          quantity: fill.quantity,
          price: fill.price,
          status: 'FILLED',
          filledAt: new Date(),
        },
      });
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    // Two retries raced: the first one's order is the answer to both.
    const first = isUniqueViolation(error) ? await retried() : null;
    if (first) return first;
    throw error;
  }
  await deps.balanceCache.invalidate(viewer.id);
  return order;
}

const sideOf = (orderSide: 'BUY' | 'SELL') => (orderSide === 'BUY' ? 'LONG' : 'SHORT');

async function targetPosition(tx: Tx, accountId: number, positionId: number, symbol: string): Promise<Position> {
  const position = await tx.position.findFirst({ where: { id: positionId, accountId } });
  if (!position) throw notFound('Position');
  if (position.status !== 'OPEN') throw conflict('The position is closed');
  if (position.symbol !== symbol) throw badUserInput(`input.symbol: the position trades ${position.symbol}`, 'input.symbol');
  return position;
}

/** Opens a position, or grows `position` (or the account's open one on that symbol and side). */
async function openOrGrow(tx: Tx, position: Position | null, fill: Fill): Promise<Position> {
  const quote = quoteAssetOf(fill.symbol);
  const notional = fill.quantity.times(fill.price);
  const fee = money(notional.times(fill.feeRate));
  await requireFunds(tx, fill.accountId, quote, notional.plus(fee));
  const side = sideOf(fill.side);
  const existing =
    position ?? (await tx.position.findFirst({ where: { accountId: fill.accountId, symbol: fill.symbol, side, status: 'OPEN' }, orderBy: { id: 'asc' } }));
  const result = existing
    ? await tx.position.update({
        where: { id: existing.id },
        data: {
          quantity: existing.quantity.plus(fill.quantity),
          entryPrice: money(existing.quantity.times(existing.entryPrice).plus(notional).dividedBy(existing.quantity.plus(fill.quantity))),
        },
      })
    : await tx.position.create({ data: { accountId: fill.accountId, symbol: fill.symbol, side, quantity: fill.quantity, entryPrice: fill.price } });
  await tx.ledgerEntry.createMany({
    data: [
      { accountId: fill.accountId, asset: quote, amount: notional.negated(), kind: 'FILL', positionId: result.id },
      { accountId: fill.accountId, asset: quote, amount: fee.negated(), kind: 'COMMISSION', positionId: result.id },
    ],
  });
  return result;
}

/** Reduces `position` by the fill (closing it when the fill covers it), realizing PnL on that part. */
async function reduce(tx: Tx, position: Position, fill: Fill): Promise<Position> {
  if (fill.quantity.greaterThan(position.quantity)) {
    throw badUserInput(`input.quantity: the position holds ${position.quantity.toFixed()}`, 'input.quantity');
  }
  const quote = quoteAssetOf(fill.symbol);
  const pnl = realizedPnlOf(position, fill.price, fill.quantity);
  const fee = money(fill.quantity.times(fill.price).times(fill.feeRate));
  const closes = fill.quantity.equals(position.quantity);
  const result = await tx.position.update({
    where: { id: position.id },
    data: {
      quantity: closes ? position.quantity : position.quantity.minus(fill.quantity),
      realizedPnl: (position.realizedPnl ?? new Prisma.Decimal(0)).plus(pnl),
      ...(closes ? { status: 'CLOSED', closedAt: new Date(), exitPrice: fill.price } : {}),
    },
  });
  if (closes) await cancelOpenOrdersOf(tx, position.id);
  await tx.ledgerEntry.createMany({
    data: [
      { accountId: fill.accountId, asset: quote, amount: money(fill.quantity.times(position.entryPrice)), kind: 'FILL', positionId: position.id },
      { accountId: fill.accountId, asset: quote, amount: pnl, kind: 'REALIZED_PNL', positionId: position.id },
      { accountId: fill.accountId, asset: quote, amount: fee.negated(), kind: 'COMMISSION', positionId: position.id },
    ],
  });
  return result;
}

/** Cancels a NEW order of the viewer's; anything else is a CONFLICT. Releases what it locked. */
export async function cancelOrder(deps: Deps, orderId: number): Promise<Order> {
  const { prisma, viewer } = deps;
  const order = await prisma.$transaction(async (tx) => {
    const [canceled] = await tx.$queryRaw<Order[]>`
      UPDATE "Order" o SET status = 'CANCELED', "canceledAt" = (now() AT TIME ZONE 'UTC')
      FROM "ExchangeAccount" a
      WHERE o.id = ${orderId} AND o.status = 'NEW' AND a.id = o."accountId" AND a."userId" = ${viewer.id}
      RETURNING o.*`;
    if (!canceled) {
      const exists = await tx.order.count({ where: { id: orderId, account: { userId: viewer.id } } });
      throw exists ? conflict('Only NEW orders can be canceled') : notFound('Order');
    }
    // A canceled protective order no longer protects its position.
    if (canceled.positionId !== null && (canceled.type === 'STOP_LOSS' || canceled.type === 'TAKE_PROFIT')) {
      await tx.position.update({
        where: { id: canceled.positionId },
        data: canceled.type === 'STOP_LOSS' ? { stopLoss: null } : { takeProfit: null },
      });
    }
    return canceled;
  }, TRANSACTION_OPTIONS);
  await deps.balanceCache.invalidate(viewer.id);
  return order;
}
