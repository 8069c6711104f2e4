import { defineModule } from '../module';
import { itemLoaders } from './items.loaders';
import { itemResolvers } from './items.resolvers';

/** Traceability items: identifiers, sources and events. */
export const itemsModule = defineModule({
  name: 'items',
  resolvers: itemResolvers,
  loaders: itemLoaders,
  nodes: { Item: 'itemById', ItemEvent: 'itemEventById' },
  models: ['Item', 'ItemIdentifier', 'ItemSource', 'ItemEvent', 'ItemConnection', 'ItemEventConnection'],
});
