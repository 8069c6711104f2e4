import { defineModule } from '../module';
import { priceLoaders } from './prices.loaders';
import { priceResolvers } from './prices.resolvers';

/** The viewer's mark prices, and what open positions are worth at them. */
export const pricesModule = defineModule({
  name: 'prices',
  resolvers: priceResolvers,
  loaders: priceLoaders,
  models: ['MarkPrice', 'RecordMarkPricesPayload'],
});
