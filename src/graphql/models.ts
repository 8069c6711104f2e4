import type {
  Circuit,
  CircuitMember,
  Item,
  ItemEvent,
  ItemIdentifier,
  ItemSource,
  Prisma,
  User,
} from '../generated/prisma/client';
import type { Connection } from './pagination';

// What each GraphQL object type's resolvers receive as parent (codegen `mappers`): the Prisma
// row itself, so a relation resolver can hand its foreign key straight to a loader.

export type DateTimeOutput = Date | string;
export type DecimalOutput = Prisma.Decimal | string | number;

export type UserModel = User;
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
