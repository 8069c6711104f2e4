import { assembleModules, clearLoadersAfterMutations, type LoaderSet } from './assemble';
import type { GatewayModule, LoadersOf } from './module';
import { coreModule } from './core/core.module';
import { usersModule } from './users/users.module';
import { itemsModule } from './items/items.module';
import { circuitsModule } from './circuits/circuits.module';
import { tradingModule } from './trading/trading.module';
import { exchangeModule } from './exchange/exchange.module';
import { balancesModule } from './balances/balances.module';
import { pricesModule } from './prices/prices.module';
import { subscriptionsModule } from './subscriptions/subscriptions.module';
import { publishEventsAfterMutations } from './subscriptions/mutation-events';

/** Every domain module of the gateway: the one list to extend when adding one. */
export const modules = [coreModule, usersModule, itemsModule, circuitsModule, tradingModule, exchangeModule, pricesModule, balancesModule, subscriptionsModule] as const;

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never;
type FactoriesOf<M> = M extends GatewayModule<infer F> ? F : never;

/** A request's loaders: every module's, by name, made on first use. */
export type Loaders = LoadersOf<UnionToIntersection<FactoriesOf<(typeof modules)[number]>>> & LoaderSet;

const assembled = assembleModules(modules);

/**
 * Every module's resolvers; mutations empty the request's loaders once they have run, and
 * publish what they changed once they have succeeded (after their commit).
 */
export const resolvers = publishEventsAfterMutations(clearLoadersAfterMutations(assembled.resolvers));
export const createLoaders = assembled.createLoaders as (scope: Parameters<typeof assembled.createLoaders>[0]) => Loaders;
/** Codegen's mappers (codegen.ts reads them from here). */
export const mappers = assembled.mappers;
