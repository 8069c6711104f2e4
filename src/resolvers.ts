import type { Resolvers } from './generated/graphql';
import { scalarResolvers } from './graphql/scalars';
import { coreResolvers } from './modules/core/core.resolvers';
import { userResolvers } from './modules/users/users.resolvers';
import { itemResolvers } from './modules/items/items.resolvers';
import { circuitResolvers } from './modules/circuits/circuits.resolvers';
import { tradingResolvers } from './modules/trading/trading.resolvers';
import { exchangeResolvers } from './modules/exchange/exchange.resolvers';
import { balanceResolvers } from './modules/balances/balances.resolvers';

const modules: Resolvers[] = [coreResolvers, userResolvers, itemResolvers, circuitResolvers, tradingResolvers, exchangeResolvers, balanceResolvers];

/** Every module's resolvers merged per type (a type may be extended by several modules). */
export const resolvers: Resolvers = modules.reduce<Resolvers>(
  (merged, module) => {
    for (const [typeName, fields] of Object.entries(module)) {
      const target = merged as Record<string, object>;
      target[typeName] = { ...(target[typeName] ?? {}), ...(fields as object) };
    }
    return merged;
  },
  { ...scalarResolvers } as Resolvers,
);
