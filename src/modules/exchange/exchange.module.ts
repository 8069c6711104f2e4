import { defineModule } from '../module';
import { exchangeLoaders } from './exchange.loaders';
import { exchangeResolvers } from './exchange.resolvers';

/** Paper exchange accounts: deposits, orders, positions and the ledger behind balances. */
export const exchangeModule = defineModule({
  name: 'exchange',
  resolvers: exchangeResolvers,
  loaders: exchangeLoaders,
  nodes: { ExchangeAccount: 'accountById', Position: 'positionById', Order: 'orderById', LedgerEntry: 'ledgerEntryById' },
  models: [
    'ExchangeAccount', 'Position', 'Order', 'LedgerEntry', 'PositionConnection', 'OrderConnection', 'LedgerEntryConnection',
    'CreateExchangeAccountPayload', 'DepositPayload', 'WithdrawPayload', 'CreateOrderPayload', 'CancelOrderPayload',
    'SetPositionProtectionPayload', 'ClosePositionPayload',
  ],
});
