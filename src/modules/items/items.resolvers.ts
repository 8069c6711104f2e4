import type { Resolvers } from '../../generated/graphql';
import { embeddedOr } from '../../graphql/batch';
import { toGlobalId } from '../../graphql/global-id';
import { carriedOr, type Carriers } from '../../graphql/carried-reads';
import type { Loaders } from '../../context';
import { itemsByIdentifier, listItems, recordItemEvent, storeItem } from './items.service';

/** Item's list fields, each through the loader its resolver below reads: what an item's read can carry along. */
const itemLists = (loaders: Loaders): Carriers => ({
  identifiers: (parentIds, field) => loaders.identifiersByItemId.carried(parentIds, field.info),
  sources: (parentIds, field) => loaders.sourcesByItemId.carried(parentIds, field.info),
  events: (parentIds, field) => loaders.eventsByItemId.carried(parentIds, field.args, field.info),
  circuits: (parentIds, field) => loaders.circuitsByItemId.carried(parentIds, field.args, field.info),
});

export const itemResolvers: Resolvers = {
  Query: {
    item: (_, { dfid }, { loaders }, info) => loaders.itemByDfid.load(dfid, info, itemLists(loaders)),
    items: (_, args, context, info) => listItems(context, args, args.filter, info),
    itemsByIdentifier: (_, { key, value }, context) => itemsByIdentifier(context, key, value),
  },
  Mutation: {
    storeItem: (_, { input }, context) => storeItem(context, input),
    recordItemEvent: (_, { input }, context) => recordItemEvent(context, input),
  },
  Item: {
    id: (item) => toGlobalId('Item', item.id),
    owner: (item, _, { loaders }, info) => embeddedOr(item, 'owner', () => loaders.userById.load(item.ownerId, info).then((user) => user!)),
    // An item read by dfid carried these in its statement (itemLists above); else their loaders read them.
    identifiers: (item, _, { loaders }, info) => carriedOr(item, info, () => loaders.identifiersByItemId.load(item.id, info)),
    sources: (item, _, { loaders }, info) => carriedOr(item, info, () => loaders.sourcesByItemId.load(item.id, info)),
    events: (item, args, { loaders }, info) => carriedOr(item, info, () => loaders.eventsByItemId.connection(item.id, args, info)),
    circuits: (item, args, { loaders }, info) => carriedOr(item, info, () => loaders.circuitsByItemId.connection(item.id, args, info)),
  },
  ItemEvent: {
    id: (event) => toGlobalId('ItemEvent', event.id),
    item: (event, _, { loaders }) => loaders.itemById.load(event.itemId).then((item) => item!),
  },
};
