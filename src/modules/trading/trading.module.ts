import { defineModule } from '../module';
import { tradingLoaders } from './trading.loaders';
import { tradingResolvers } from './trading.resolvers';

/** Trading bots' sessions (heartbeats, events) and the trades they log. */
export const tradingModule = defineModule({
  name: 'trading',
  resolvers: tradingResolvers,
  loaders: tradingLoaders,
  nodes: { TradingSession: 'sessionById', Trade: 'tradeById', SessionEvent: 'sessionEventById' },
  models: ['TradingSession', 'Trade', 'SessionEvent', 'TradingSessionConnection', 'TradeConnection', 'SessionEventConnection'],
});
