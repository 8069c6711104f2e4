import type { Resolvers } from '../../generated/graphql';
import { embeddedOr } from '../../graphql/batch';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { carriedOr, type Carriers } from '../../graphql/carried-reads';
import type { Loaders } from '../../context';
import { addCircuitMember, changeCircuitMemberRole, createCircuit, listCircuits, pushItemToCircuit, removeCircuitMember } from './circuits.service';

const circuitIdOf = (input: { circuitId: string }) => idOfType(input.circuitId, 'Circuit', 'input.circuitId');

/** Circuit's list fields, each through the loader its resolver below reads: what a circuits page can carry along. */
const circuitLists = (loaders: Loaders): Carriers => ({
  members: (parentIds, field) => loaders.membersByCircuitId.carried(parentIds, field.args, field.info),
  items: (parentIds, field) => loaders.itemsByCircuitId.carried(parentIds, field.args, field.info),
});

export const circuitResolvers: Resolvers = {
  Query: {
    circuit: (_, { id }, { loaders }) => loaders.circuitById.load(idOfType(id, 'Circuit', 'id')),
    circuits: (_, args, context, info) => listCircuits(context, args, info, circuitLists(context.loaders)),
  },
  Mutation: {
    createCircuit: (_, { input }, context) => createCircuit(context, input),
    addCircuitMember: (_, { input }, context) => addCircuitMember(context, circuitIdOf(input), input),
    removeCircuitMember: (_, { input }, context) => removeCircuitMember(context, circuitIdOf(input), input),
    changeCircuitMemberRole: (_, { input }, context) => changeCircuitMemberRole(context, circuitIdOf(input), input),
    pushItemToCircuit: (_, { input }, context) => pushItemToCircuit(context, circuitIdOf(input), input),
  },
  Circuit: {
    id: (circuit) => toGlobalId('Circuit', circuit.id),
    owner: (circuit, _, { loaders }, info) => embeddedOr(circuit, 'owner', () => loaders.userById.load(circuit.ownerId, info).then((user) => user!)),
    viewerRole: (circuit, _, { loaders }) =>
      circuit.viewerRole ?? loaders.viewerMembershipByCircuitId.load(circuit.id).then((membership) => membership!.role),
    // A circuits page carried these in its statement (circuitLists above); else their loaders read them.
    members: (circuit, args, { loaders }, info) => carriedOr(circuit, info, () => loaders.membersByCircuitId.connection(circuit.id, args, info)),
    items: (circuit, args, { loaders }, info) => carriedOr(circuit, info, () => loaders.itemsByCircuitId.connection(circuit.id, args, info)),
  },
  CircuitMember: {
    user: (member, _, { loaders }, info) => embeddedOr(member, 'user', () => loaders.userById.load(member.userId, info).then((user) => user!)),
  },
};
