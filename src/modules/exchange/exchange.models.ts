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

// Mutation payloads hold what the service returned; the rest (the account, the position, the
// summary) is resolved from it, after the commit, through the request's loaders.
export interface CreateExchangeAccountPayloadModel { account: ExchangeAccount }
export interface DepositPayloadModel { entry: LedgerEntry }
export interface WithdrawPayloadModel { entry: LedgerEntry }
export interface CreateOrderPayloadModel { order: Order }
export interface CancelOrderPayloadModel { order: Order }
export interface SetPositionProtectionPayloadModel { position: Position }
export interface ClosePositionPayloadModel { position: Position }
