import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import { clearLoaders } from '../../graphql/batch';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { parentPageConnection, parseChildPage, parsePage } from '../../graphql/pagination';
import { createExchangeAccount, deposit, listAccounts } from './accounts.service';
import { cancelOrder, createOrder } from './orders.service';
import { closePosition, listPositions, setPositionProtection } from './positions.service';

/**
 * Awaits a mutation's write, then empties the request's loaders, so that the mutation's result
 * fields and later mutations of the same operation read the data as it now is.
 */
async function afterWrite<T>(context: Pick<Context, 'loaders'>, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    clearLoaders(context.loaders);
  }
}

const positionIdOf = (input: { positionId: string }) => idOfType(input.positionId, 'Position', 'input.positionId');

export const exchangeResolvers: Resolvers = {
  Query: {
    exchangeAccounts: (_, __, context) => listAccounts(context),
    position: (_, { id }, { loaders }) => loaders.positionById.load(idOfType(id, 'Position', 'id')),
    positions: (_, args, context) => listPositions(context, parsePage(args, 2), args.status),
  },
  Mutation: {
    createExchangeAccount: (_, { input }, context) => afterWrite(context, createExchangeAccount(context, input)),
    deposit: (_, { input }, context) =>
      afterWrite(context, deposit(context, idOfType(input.accountId, 'ExchangeAccount', 'input.accountId'), input)),
    createOrder: (_, { input }, context) => afterWrite(context, createOrder(context, input)),
    cancelOrder: (_, { id }, context) => afterWrite(context, cancelOrder(context, idOfType(id, 'Order', 'id'))),
    setPositionProtection: (_, { input }, context) => afterWrite(context, setPositionProtection(context, positionIdOf(input), input)),
    closePosition: (_, { input }, context) => afterWrite(context, closePosition(context, positionIdOf(input), input)),
  },
  ExchangeAccount: {
    id: (account) => toGlobalId('ExchangeAccount', account.id),
    positions: async (account, args, { loaders }, info) => {
      const page = { ...parseChildPage(args, info, 2), status: args.status ?? null };
      return parentPageConnection(page, await loaders.positionsByAccountId(page).load(account.id));
    },
  },
  Position: {
    id: (position) => toGlobalId('Position', position.id),
    account: (position, _, { loaders }) => loaders.accountById.load(position.accountId).then((account) => account!),
    orders: async (position, args, { loaders }, info) => {
      const page = parseChildPage(args, info);
      return parentPageConnection(page, await loaders.ordersByPositionId(page).load(position.id));
    },
  },
  Order: {
    id: (order) => toGlobalId('Order', order.id),
    account: (order, _, { loaders }) => loaders.accountById.load(order.accountId).then((account) => account!),
    position: (order, _, { loaders }) => (order.positionId === null ? null : loaders.positionById.load(order.positionId)),
  },
  LedgerEntry: {
    id: (entry) => toGlobalId('LedgerEntry', entry.id),
    account: (entry, _, { loaders }) => loaders.accountById.load(entry.accountId).then((account) => account!),
  },
};
