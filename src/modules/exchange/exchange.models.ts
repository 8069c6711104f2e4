import type { ExchangeAccount, LedgerEntry, Order, Position } from '../../generated/prisma/client';
import type { Connection } from '../../pagination';

// What the exchange module's GraphQL types receive as parent (codegen mappers).
export type ExchangeAccountModel = ExchangeAccount;
export type PositionModel = Position;
export type OrderModel = Order;
export type LedgerEntryModel = LedgerEntry;
export type PositionConnectionModel = Connection<Position>;
export type OrderConnectionModel = Connection<Order>;
export type LedgerEntryConnectionModel = Connection<LedgerEntry>;
