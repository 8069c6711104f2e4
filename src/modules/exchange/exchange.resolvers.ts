import type { GraphQLResolveInfo } from 'graphql';
import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import type { Order } from '../../generated/prisma/client';
import { idOfType, optionalIdOfType, toGlobalId } from '../../graphql/global-id';
import { notFound } from '../../errors';
import { createExchangeAccount, deposit, listAccounts, withdraw } from './accounts.service';
import { parseLedgerFilter, parseOrderFilter } from './list-filters';
import { cancelOrder, createOrder, listOrders } from './orders.service';
import { closePosition, listPositions, setPositionProtection } from './positions.service';

const positionIdOf = (input: { positionId: string }) => idOfType(input.positionId, 'Position', 'input.positionId');
const accountOf = (loaders: Context['loaders'], accountId: number, info?: GraphQLResolveInfo) =>
  loaders.accountById.load(accountId, info).then((account) => account!);
/** What an order's payload (`createOrder`, `cancelOrder`) resolves from the order. */
const orderPayload = {
  position: ({ order }: { order: Order }, _: unknown, { loaders }: Context) => (order.positionId === null ? null : loaders.positionById.load(order.positionId)),
  account: ({ order }: { order: Order }, _: unknown, { loaders }: Context, info: GraphQLResolveInfo) => accountOf(loaders, order.accountId, info),
};
const accountIdOf = (input: { accountId: string }) => idOfType(input.accountId, 'ExchangeAccount', 'input.accountId');

export const exchangeResolvers: Resolvers = {
  Query: {
    exchangeAccounts: (_, __, context) => listAccounts(context),
    position: (_, { id }, { loaders }, info) => loaders.positionById.load(idOfType(id, 'Position', 'id'), info),
    positions: (_, args, context) =>
      listPositions(context, args, args.status, args.filter && { ...args.filter, accountId: optionalIdOfType(args.filter.accountId, 'ExchangeAccount', 'filter.accountId') }),
    orders: (_, args, context) =>
      listOrders(context, args, optionalIdOfType(args.filter?.accountId, 'ExchangeAccount', 'filter.accountId'), parseOrderFilter(args.filter)),
    // The account is read beside its page (both batched): NOT_FOUND names a wrong ID, where an
    // empty page would look like an account with no history.
    ledgerEntries: async (_, args, { loaders }, info) => {
      const accountId = idOfType(args.accountId, 'ExchangeAccount', 'accountId');
      const filter = parseLedgerFilter(args.filter);
      const [account, entries] = await Promise.all([
        loaders.accountById.load(accountId),
        loaders.ledgerEntriesByAccountId.connection(accountId, args, info, filter),
      ]);
      if (!account) throw notFound('Exchange account');
      return entries;
    },
  },
  Mutation: {
    createExchangeAccount: async (_, { input }, context) => ({ account: await createExchangeAccount(context, input) }),
    deposit: async (_, { input }, context) => ({ entry: await deposit(context, accountIdOf(input), input) }),
    withdraw: async (_, { input }, context) => ({ entry: await withdraw(context, accountIdOf(input), input) }),
    createOrder: async (_, { input }, context) => ({
      order: await createOrder(context, accountIdOf(input), optionalIdOfType(input.positionId, 'Position', 'input.positionId'), input),
    }),
    cancelOrder: async (_, { id }, context) => ({ order: await cancelOrder(context, idOfType(id, 'Order', 'id')) }),
    setPositionProtection: async (_, { input }, context) => ({ position: await setPositionProtection(context, positionIdOf(input), input) }),
    closePosition: async (_, { input }, context) => ({ position: await closePosition(context, positionIdOf(input), input) }),
  },
  // Payload fields load through the request's loaders, which the mutation emptied after its
  // commit (modules/assemble.ts): they show the rows as they are now. `balances` is the
  // balances module's.
  DepositPayload: { account: ({ entry }, _, { loaders }) => accountOf(loaders, entry.accountId) },
  WithdrawPayload: { account: ({ entry }, _, { loaders }) => accountOf(loaders, entry.accountId) },
  CreateOrderPayload: orderPayload,
  CancelOrderPayload: orderPayload,
  SetPositionProtectionPayload: { account: ({ position }, _, { loaders }) => accountOf(loaders, position.accountId) },
  ClosePositionPayload: { account: ({ position }, _, { loaders }) => accountOf(loaders, position.accountId) },
  ExchangeAccount: {
    id: (account) => toGlobalId('ExchangeAccount', account.id),
    positions: (account, args, { loaders }, info) =>
      loaders.positionsByAccountId.connection(account.id, args, info, { status: args.status ?? null }),
    orders: (account, args, { loaders }, info) => loaders.ordersByAccountId.connection(account.id, args, info, parseOrderFilter(args.filter)),
    ledgerEntries: (account, args, { loaders }, info) =>
      loaders.ledgerEntriesByAccountId.connection(account.id, args, info, parseLedgerFilter(args.filter)),
  },
  Position: {
    id: (position) => toGlobalId('Position', position.id),
    account: (position, _, { loaders }, info) => accountOf(loaders, position.accountId, info),
    orders: (position, args, { loaders }, info) => loaders.ordersByPositionId.connection(position.id, args, info),
  },
  Order: {
    id: (order) => toGlobalId('Order', order.id),
    account: (order, _, { loaders }, info) => accountOf(loaders, order.accountId, info),
    position: (order, _, { loaders }, info) => (order.positionId === null ? null : loaders.positionById.load(order.positionId, info)),
  },
  LedgerEntry: {
    id: (entry) => toGlobalId('LedgerEntry', entry.id),
    account: (entry, _, { loaders }, info) => accountOf(loaders, entry.accountId, info),
  },
};
