import { Prisma } from '../../generated/prisma/client';
import { money } from '../exchange/ledger';

/**
 * Unrealized PnL of `quantity` held at a total cost of `cost` (Σ quantity × entry price), if it
 * closed at `mark`: up is profit for LONG, down for SHORT. Linear in the price, so it holds for
 * one position and for a sum of positions alike.
 */
type Amount = Prisma.Decimal | string;

export function unrealizedPnlOf(side: 'LONG' | 'SHORT', quantity: Amount, cost: Amount, mark: Amount): Prisma.Decimal {
  const value = new Prisma.Decimal(quantity).times(mark);
  return money(side === 'LONG' ? value.minus(cost) : new Prisma.Decimal(cost).minus(value));
}
