import type { Resolvers } from '../../generated/graphql';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { parentPageConnection, parsePage } from '../../graphql/pagination';
import { addCircuitMember, createCircuit, listCircuits, pushItemToCircuit } from './circuits.service';

export const circuitResolvers: Resolvers = {
  Query: {
    circuit: (_, { id }, { loaders }) => loaders.circuitById.load(idOfType(id, 'Circuit', 'id')),
    circuits: (_, args, { viewer, prisma }) => listCircuits(prisma, viewer, parsePage(args)),
  },
  Mutation: {
    createCircuit: (_, { input }, { viewer, prisma }) => createCircuit(prisma, viewer, input),
    addCircuitMember: (_, { input }, { viewer, prisma }) =>
      addCircuitMember(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input),
    pushItemToCircuit: (_, { input }, { viewer, prisma }) =>
      pushItemToCircuit(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input),
  },
  Circuit: {
    id: (circuit) => toGlobalId('Circuit', circuit.id),
    owner: (circuit, _, { loaders }) => loaders.userById.load(circuit.ownerId).then((user) => user!),
    viewerRole: (circuit, _, { loaders }) =>
      loaders.viewerMembershipByCircuitId.load(circuit.id).then((membership) => membership!.role),
    members: async (circuit, args, { loaders }) => {
      const page = parsePage(args);
      return parentPageConnection(page, await loaders.membersByCircuitId(page).load(circuit.id));
    },
    items: async (circuit, args, { loaders }) => {
      const page = parsePage(args);
      return parentPageConnection(page, await loaders.itemsByCircuitId(page).load(circuit.id));
    },
  },
  CircuitMember: {
    user: (member, _, { loaders }) => loaders.userById.load(member.userId).then((user) => user!),
  },
};
