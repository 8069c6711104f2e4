import type { Resolvers } from '../../generated/graphql';
import { toGlobalId } from '../../graphql/global-id';
import { itemsByIdentifier, listItems, recordItemEvent, storeItem } from './items.service';

export const itemResolvers: Resolvers = {
  Query: {
    item: (_, { dfid }, { loaders }) => loaders.itemByDfid.load(dfid),
    items: (_, args, context) => listItems(context, args, args.filter),
    itemsByIdentifier: (_, { key, value }, context) => itemsByIdentifier(context, key, value),
  },
  Mutation: {
    storeItem: (_, { input }, context) => storeItem(context, input),
    recordItemEvent: (_, { input }, context) => recordItemEvent(context, input),
  },
  Item: {
    id: (item) => toGlobalId('Item', item.id),
    owner: (item, _, { loaders }, info) => loaders.userById.load(item.ownerId, info).then((user) => user!),
    identifiers: (item, _, { loaders }) => loaders.identifiersByItemId.load(item.id),
    sources: (item, _, { loaders }) => loaders.sourcesByItemId.load(item.id),
    events: (item, args, { loaders }, info) => loaders.eventsByItemId.connection(item.id, args, info),
    circuits: (item, args, { loaders }, info) => loaders.circuitsByItemId.connection(item.id, args, info),
  },
  ItemEvent: {
    id: (event) => toGlobalId('ItemEvent', event.id),
    item: (event, _, { loaders }) => loaders.itemById.load(event.itemId).then((item) => item!),
  },
};
