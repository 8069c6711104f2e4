import type {
  Circuit,
  CircuitMember,
  Item,
  ItemEvent,
  ItemIdentifier,
  ItemSource,
  Prisma,
  User,
  ApiKey,
  TradingSession,
  Trade,
  SessionEvent,
  ExchangeAccount,
  Position,
  Order,
  LedgerEntry,
} from '../generated/prisma/client';
import type { AccountBalanceData, BalanceSummaryData } from '../modules/balances/balance-summary';
import type { Connection } from './pagination';

// What each GraphQL object type's resolvers receive as parent (codegen `mappers`): the Prisma
// row itself, so a relation resolver can hand its foreign key straight to a loader.

export type DateTimeOutput = Date | string;
export type DecimalOutput = Prisma.Decimal | string | number;

export type UserModel = User;
export type ApiKeyModel = ApiKey;
export type ItemModel = Item;
export type ItemIdentifierModel = ItemIdentifier;
export type ItemSourceModel = ItemSource;
export type ItemEventModel = ItemEvent;
export type CircuitModel = Circuit;
export type CircuitMemberModel = CircuitMember;

export type ItemConnectionModel = Connection<Item>;
export type ItemEventConnectionModel = Connection<ItemEvent>;
export type CircuitConnectionModel = Connection<Circuit>;
export type CircuitMemberConnectionModel = Connection<CircuitMember>;

export type TradingSessionModel = TradingSession;
export type TradeModel = Trade;
export type SessionEventModel = SessionEvent;
export type ExchangeAccountModel = ExchangeAccount;
export type PositionModel = Position;
export type OrderModel = Order;
export type LedgerEntryModel = LedgerEntry;

export type TradingSessionConnectionModel = Connection<TradingSession>;
export type TradeConnectionModel = Connection<Trade>;
export type SessionEventConnectionModel = Connection<SessionEvent>;
export type PositionConnectionModel = Connection<Position>;
export type OrderConnectionModel = Connection<Order>;

/** A summary as the cache holds it (plain JSON), plus whether this read came from the cache. */
export type BalanceSummaryModel = BalanceSummaryData & { fromCache: boolean };
export type AccountBalanceModel = AccountBalanceData;
