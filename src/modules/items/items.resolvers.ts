import type { Resolvers } from '../../generated/graphql';
import { clearLoaders } from '../../graphql/batch';
import { toGlobalId } from '../../graphql/global-id';
import { BY_TIME_AND_ID, parentPageConnection, parseChildPage, parsePage } from '../../graphql/pagination';
import { itemsByIdentifier, listItems, recordItemEvent, storeItem } from './items.service';

export const itemResolvers: Resolvers = {
  Query: {
    item: (_, { dfid }, { loaders }) => loaders.itemByDfid.load(dfid),
    items: (_, args, { viewer, prisma }) => listItems(prisma, viewer, parsePage(args), args.filter),
    itemsByIdentifier: (_, { key, value }, { viewer, prisma }) => itemsByIdentifier(prisma, viewer, key, value),
  },
  Mutation: {
    storeItem: async (_, { input }, { viewer, prisma, loaders }) => {
      const item = await storeItem(prisma, viewer, input);
      clearLoaders(loaders);
      return item;
    },
    recordItemEvent: async (_, { input }, { viewer, prisma, loaders }) => {
      const event = await recordItemEvent(prisma, viewer, input);
      clearLoaders(loaders);
      return event;
    },
  },
  Item: {
    id: (item) => toGlobalId('Item', item.id),
    owner: (item, _, { loaders }) => loaders.userById.load(item.ownerId).then((user) => user!),
    identifiers: (item, _, { loaders }) => loaders.identifiersByItemId.load(item.id),
    sources: (item, _, { loaders }) => loaders.sourcesByItemId.load(item.id),
    events: async (item, args, { loaders }, info) => {
      const page = parseChildPage(args, info, BY_TIME_AND_ID);
      return parentPageConnection(page, await loaders.eventsByItemId(page).load(item.id));
    },
    circuits: async (item, args, { loaders }, info) => {
      const page = parseChildPage(args, info, BY_TIME_AND_ID);
      return parentPageConnection(page, await loaders.circuitsByItemId(page).load(item.id));
    },
  },
  ItemEvent: {
    id: (event) => toGlobalId('ItemEvent', event.id),
    item: (event, _, { loaders }) => loaders.itemById.load(event.itemId).then((item) => item!),
  },
};
