import { defineModule } from '../module';
import { circuitLoaders } from './circuits.loaders';
import { circuitResolvers } from './circuits.resolvers';

/** Circuits: groups of users who share items, with roles. */
export const circuitsModule = defineModule({
  name: 'circuits',
  resolvers: circuitResolvers,
  loaders: circuitLoaders,
  nodes: { Circuit: 'circuitById' },
  models: ['Circuit', 'CircuitMember', 'CircuitConnection', 'CircuitMemberConnection'],
});
