import type { Item, ItemEvent, ItemIdentifier, ItemSource } from '../../generated/prisma/client';
import type { Connection } from '../../pagination';

// What the items module's GraphQL types receive as parent (codegen mappers): the Prisma row,
// so a relation resolver can hand its foreign key straight to a loader.
export type ItemModel = Item;
export type ItemIdentifierModel = ItemIdentifier;
export type ItemSourceModel = ItemSource;
export type ItemEventModel = ItemEvent;
export type ItemConnectionModel = Connection<Item>;
export type ItemEventConnectionModel = Connection<ItemEvent>;
