import { GraphQLError } from 'graphql';
import { Prisma, type Order, type Position } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { badUserInput, conflict, ErrorCode, notFound } from '../../errors';
import { isUniqueViolation, TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { toGlobalId } from '../../graphql/global-id';
import { decimalInput, optionalText } from '../../graphql/validate';
import type { CreateOrderInput } from '../../generated/graphql';
import { afterCursorWhere, byTimeThenId, keyOfRow, parsePage, prismaOrderBy, toConnection, type Connection, type PageArgs } from '../../pagination';
import { lockOwnAccount, lockOwnOrder, money, quoteAssetOf, requireFunds } from './ledger';
import { orderWhere, type OrderListFilter } from './list-filters';
import { parseSymbol } from './symbols';
import { cancelOpenOrdersOf, realizedPnlOf } from './positions.service';

type Tx = Prisma.TransactionClient;

interface Fill {
  accountId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: Prisma.Decimal;
  price: Prisma.Decimal;
  feeRate: Prisma.Decimal;
}

const ORDERS_ORDER = byTimeThenId('createdAt', 'desc');

/**
 * The viewer's orders across accounts, newest first, narrowed by `filter` and `accountId`
 * (another user's account matches nothing, as in `listPositions`). The filter narrows the rows,
 * not the order, so a cursor of a filtered page continues that list.
 */
export async function listOrders(
  { prisma, viewer }: ServiceDeps,
  args: PageArgs,
  accountId: number | null,
  filter: OrderListFilter,
): Promise<Connection<Order>> {
  const where: Prisma.OrderWhereInput = { account: { userId: viewer.id }, ...(accountId ? { accountId } : {}), ...orderWhere(filter) };
  const page = parsePage(args, ORDERS_ORDER);
  const rows = await prisma.order.findMany({
    where: { AND: [where, afterCursorWhere(ORDERS_ORDER, page.after)] },
    orderBy: prismaOrderBy(ORDERS_ORDER),
    take: page.first + 1,
  });
  return toConnection(rows, page, keyOfRow(ORDERS_ORDER), () => prisma.order.count({ where }));
}

/**
 * Places an order on the paper exchange. MARKET fills at once at the given price: it opens a
 * position (or grows the account's open one on that symbol and side), or, given an
 * opposite-side `positionId`, reduces or closes that position, booking the fill and the fee.
 * LIMIT stays NEW and its notional is locked. A retry with the same clientOrderId returns the
 * first order. The account's row lock makes its balance checks and bookings one at a time (see
 * ledger.ts), and the fill's ledger entries carry the order's id.
 */
export async function createOrder(deps: ServiceDeps, accountId: number, positionId: number | null, input: CreateOrderInput): Promise<Order> {
  const { prisma, viewer } = deps;
  if (input.type !== 'MARKET' && input.type !== 'LIMIT') {
    throw badUserInput('input.type: MARKET or LIMIT (protective orders come from setPositionProtection)', 'input.type');
  }
  const fill: Fill = {
    accountId,
    symbol: parseSymbol(input.symbol, 'input.symbol'),
    side: input.side,
    quantity: decimalInput(input.quantity, 'input.quantity', { greaterThan: 0 }),
    price: decimalInput(input.price, 'input.price', { greaterThan: 0 }),
    feeRate: new Prisma.Decimal(deps.settings.exchangeFeeRate),
  };
  const clientOrderId = optionalText(input.clientOrderId, 'input.clientOrderId', 64) ?? null;
  const retried = () => (clientOrderId ? prisma.order.findFirst({ where: { accountId, clientOrderId, account: { userId: viewer.id } } }) : null);
  const answerRetry = (first: Order) => {
    // The same key with other content is another order, not a retry (Stripe's rule).
    if (!sameOrder(first, fill, input.type, positionId)) {
      throw new GraphQLError(`input.clientOrderId: ${JSON.stringify(clientOrderId)} was already used for a different order on this account`, {
        extensions: { code: ErrorCode.CONFLICT, field: 'input.clientOrderId', orderId: toGlobalId('Order', first.id) },
      });
    }
    return first;
  };
  const earlier = await retried();
  if (earlier) return answerRetry(earlier);

  let order: Order;
  try {
    order = await prisma.$transaction(async (tx) => {
      if (!(await lockOwnAccount(tx, accountId, viewer.id))) throw notFound('Exchange account');
      // Read under the account's lock: no other mutation changes the position until we commit.
      const position = positionId ? await targetPosition(tx, accountId, positionId, fill.symbol) : null;
      if (input.type === 'LIMIT') {
        await requireFunds(tx, accountId, quoteAssetOf(fill.symbol), fill.quantity.times(fill.price));
        return tx.order.create({
          data: { accountId, positionId, clientOrderId, symbol: fill.symbol, side: fill.side, type: 'LIMIT', quantity: fill.quantity, price: fill.price },
        });
      }
      const filled =
        position && sideOf(fill.side) !== position.side ? await reduce(tx, position, fill) : await openOrGrow(tx, position, fill);
      const created = await tx.order.create({
        data: {
          accountId,
          positionId: filled.position.id,
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
      // The bookings name the order that caused them (as the seeded ledger does).
      await tx.ledgerEntry.createMany({ data: filled.bookings.map((entry) => ({ ...entry, orderId: created.id })) });
      return created;
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    // Two retries raced: the first one's order is the answer to both.
    const first = isUniqueViolation(error) ? await retried() : null;
    if (first) return answerRetry(first);
    throw error;
  }
  return order;
}

/** Whether a stored order is what this request asks for (a true retry of it). */
function sameOrder(order: Order, fill: Fill, type: string, positionId: number | null): boolean {
  return (
    order.symbol === fill.symbol &&
    order.side === fill.side &&
    order.type === type &&
    order.quantity.equals(fill.quantity) &&
    order.price !== null &&
    order.price.equals(fill.price) &&
    (positionId === null || order.positionId === positionId)
  );
}

/** A fill's effect: the position as it now is, and the ledger entries to book for it. */
interface Filled {
  position: Position;
  bookings: Prisma.LedgerEntryCreateManyInput[];
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
async function openOrGrow(tx: Tx, position: Position | null, fill: Fill): Promise<Filled> {
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
  return {
    position: result,
    bookings: [
      { accountId: fill.accountId, asset: quote, amount: notional.negated(), kind: 'FILL', positionId: result.id },
      { accountId: fill.accountId, asset: quote, amount: fee.negated(), kind: 'COMMISSION', positionId: result.id },
    ],
  };
}

/** Reduces `position` by the fill (closing it when the fill covers it), realizing PnL on that part. */
async function reduce(tx: Tx, position: Position, fill: Fill): Promise<Filled> {
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
  return {
    position: result,
    bookings: [
      { accountId: fill.accountId, asset: quote, amount: money(fill.quantity.times(position.entryPrice)), kind: 'FILL', positionId: position.id },
      { accountId: fill.accountId, asset: quote, amount: pnl, kind: 'REALIZED_PNL', positionId: position.id },
      { accountId: fill.accountId, asset: quote, amount: fee.negated(), kind: 'COMMISSION', positionId: position.id },
    ],
  };
}

/** Cancels a NEW order of the viewer's; anything else is a CONFLICT. Releases what it locked. */
export async function cancelOrder(deps: ServiceDeps, orderId: number): Promise<Order> {
  const { prisma, viewer } = deps;
  const order = await prisma.$transaction(async (tx) => {
    const current = await lockOwnOrder(tx, orderId, viewer.id);
    if (!current) throw notFound('Order');
    if (current.status !== 'NEW') return null;
    const canceled = await tx.order.update({ where: { id: orderId }, data: { status: 'CANCELED', canceledAt: new Date() } });
    // A canceled protective order no longer protects its position.
    if (canceled.positionId !== null && (canceled.type === 'STOP_LOSS' || canceled.type === 'TAKE_PROFIT')) {
      await tx.position.update({
        where: { id: canceled.positionId },
        data: canceled.type === 'STOP_LOSS' ? { stopLoss: null } : { takeProfit: null },
      });
    }
    return canceled;
  }, TRANSACTION_OPTIONS);
  if (!order) throw conflict('Only NEW orders can be canceled');
  return order;
}
