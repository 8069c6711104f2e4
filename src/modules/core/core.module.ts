import { defineModule } from '../module';
import { coreResolvers } from './core.resolvers';

/** The scalars, `viewer` and `node(id:)`: what every other module builds on. */
export const coreModule = defineModule({
  name: 'core',
  resolvers: coreResolvers,
});
