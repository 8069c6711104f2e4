import { Prisma, type Order, type Position } from '../../generated/prisma/client';
import { insufficientFunds } from '../../errors';
import '../../db/decimal-precision'; // money arithmetic at the columns' full precision

/** Symbols are stored as `BASE-QUOTE` (symbols.ts reads the other forms); money moves in the quote asset. */
export const ASSET_PATTERN = /^[A-Z0-9]{2,15}$/;

export function quoteAssetOf(symbol: string): string {
  return symbol.split('-')[1]!;
}

/**
 * What an account can spend of an asset: its ledger total minus what NEW LIMIT orders in that
 * quote asset hold, from the asset's running row (one row, however long the ledger). Call it
 * inside the transaction that holds the account's row lock: every spend and hold of the account
 * then commits before this reads, and a concurrent deposit can only add.
 */
export async function freeBalance(tx: Prisma.TransactionClient, accountId: number, asset: string): Promise<Prisma.Decimal> {
  const [row] = await tx.$queryRaw<Array<{ free: string }>>`
    SELECT coalesce((SELECT total - locked FROM "RunningBalance" WHERE "accountId" = ${accountId} AND asset = ${asset}), 0)::text AS free`;
  return new Prisma.Decimal(row!.free);
}

/** Refuses a spend the account cannot cover. */
export async function requireFunds(tx: Prisma.TransactionClient, accountId: number, asset: string, needed: Prisma.Decimal) {
  const free = await freeBalance(tx, accountId, asset);
  if (free.lessThan(needed)) {
    throw insufficientFunds(asset, needed.toFixed(), free.toFixed());
  }
}

/*
 * Locking: every mutation that moves money or changes a position or its orders first locks the
 * row of the account they belong to (FOR UPDATE), then touches positions, orders and the ledger.
 * One lock per account, always taken first, makes those mutations run one at a time per account
 * (a balance check stays true until its booking commits; a position read is current until its
 * update) and rules out deadlocks between them.
 */

/** Locks the viewer's account row for the rest of the transaction; false when it is not theirs. */
export async function lockOwnAccount(tx: Prisma.TransactionClient, accountId: number, userId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM "ExchangeAccount" WHERE id = ${accountId} AND "userId" = ${userId} FOR UPDATE`;
  return rows.length === 1;
}

/**
 * Locks the account of one of the viewer's positions (the ownership check and the lock are one
 * query), then reads the position: a second statement, so it sees every change committed before
 * the lock was granted (the locking query's own snapshot predates the wait). Null when the
 * position is not the viewer's.
 */
export async function lockOwnPosition(tx: Prisma.TransactionClient, positionId: number, userId: number): Promise<Position | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT a.id FROM "Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"
    WHERE p.id = ${positionId} AND a."userId" = ${userId}
    FOR UPDATE OF a`;
  return rows.length === 1 ? tx.position.findUnique({ where: { id: positionId } }) : null;
}

/** Like `lockOwnPosition`, for one of the viewer's orders. */
export async function lockOwnOrder(tx: Prisma.TransactionClient, orderId: number, userId: number): Promise<Order | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT a.id FROM "Order" o JOIN "ExchangeAccount" a ON a.id = o."accountId"
    WHERE o.id = ${orderId} AND a."userId" = ${userId}
    FOR UPDATE OF a`;
  return rows.length === 1 ? tx.order.findUnique({ where: { id: orderId } }) : null;
}

/** Prices and quantities are stored with 18 decimals. */
export const money = (value: Prisma.Decimal) => value.toDecimalPlaces(18);
