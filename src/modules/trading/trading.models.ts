import type { SessionEvent, Trade, TradingSession } from '../../generated/prisma/client';
import type { Connection } from '../../pagination';

// What the trading module's GraphQL types receive as parent (codegen mappers).
export type TradingSessionModel = TradingSession;
export type TradeModel = Trade;
export type SessionEventModel = SessionEvent;
export type TradingSessionConnectionModel = Connection<TradingSession>;
export type TradeConnectionModel = Connection<Trade>;
export type SessionEventConnectionModel = Connection<SessionEvent>;
