import type { LedgerEntry, Order } from '../../src/generated/prisma/client';
import { toGlobalId } from '../../src/graphql/global-id';

// What the API answers for an exchange row, built from the row: the expected side of exact
// comparisons (decimals as their plain text, instants as ISO strings, relations as ids).

/** An Order; `position` is what its position field should hold (the caller picks its fields). */
export const orderJson = (o: Order, position: unknown) => ({
  id: toGlobalId('Order', o.id),
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  quantity: o.quantity.toFixed(),
  price: o.price?.toFixed() ?? null,
  status: o.status,
  createdAt: o.createdAt.toISOString(),
  filledAt: o.filledAt?.toISOString() ?? null,
  canceledAt: o.canceledAt?.toISOString() ?? null,
  account: { id: toGlobalId('ExchangeAccount', o.accountId) },
  position,
});

export const ledgerEntryJson = (e: LedgerEntry) => ({
  id: toGlobalId('LedgerEntry', e.id),
  asset: e.asset,
  amount: e.amount.toFixed(),
  kind: e.kind,
  reference: e.reference,
  createdAt: e.createdAt.toISOString(),
  account: { id: toGlobalId('ExchangeAccount', e.accountId) },
});
