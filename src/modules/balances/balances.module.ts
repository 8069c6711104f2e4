import { defineModule } from '../module';
import { balanceResolvers } from './balances.resolvers';

/** The viewer's balance summary, served through the versioned cache. */
export const balancesModule = defineModule({
  name: 'balances',
  resolvers: balanceResolvers,
  models: ['BalanceSummary', 'AccountBalance'],
});
