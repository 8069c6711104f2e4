import type { Resolvers } from '../../generated/graphql';
import { clearLoaders } from '../../graphql/batch';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { BY_TIME_AND_ID, parentPageConnection, parseChildPage, parsePage } from '../../graphql/pagination';
import { addCircuitMember, changeCircuitMemberRole, createCircuit, listCircuits, pushItemToCircuit, removeCircuitMember } from './circuits.service';

export const circuitResolvers: Resolvers = {
  Query: {
    circuit: (_, { id }, { loaders }) => loaders.circuitById.load(idOfType(id, 'Circuit', 'id')),
    circuits: (_, args, { viewer, prisma }) => listCircuits(prisma, viewer, parsePage(args)),
  },
  Mutation: {
    createCircuit: async (_, { input }, { viewer, prisma, loaders }) => {
      const circuit = await createCircuit(prisma, viewer, input);
      clearLoaders(loaders);
      return circuit;
    },
    addCircuitMember: async (_, { input }, { viewer, prisma, loaders }) => {
      const member = await addCircuitMember(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input);
      clearLoaders(loaders);
      return member;
    },
    removeCircuitMember: async (_, { input }, { viewer, prisma, loaders }) => {
      const member = await removeCircuitMember(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input);
      clearLoaders(loaders);
      return member;
    },
    changeCircuitMemberRole: async (_, { input }, { viewer, prisma, loaders }) => {
      const member = await changeCircuitMemberRole(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input);
      clearLoaders(loaders);
      return member;
    },
    pushItemToCircuit: async (_, { input }, { viewer, prisma, loaders }) => {
      const circuit = await pushItemToCircuit(prisma, viewer, idOfType(input.circuitId, 'Circuit', 'input.circuitId'), input);
      clearLoaders(loaders);
      return circuit;
    },
  },
  Circuit: {
    id: (circuit) => toGlobalId('Circuit', circuit.id),
    owner: (circuit, _, { loaders }) => loaders.userById.load(circuit.ownerId).then((user) => user!),
    viewerRole: (circuit, _, { loaders }) =>
      loaders.viewerMembershipByCircuitId.load(circuit.id).then((membership) => membership!.role),
    members: async (circuit, args, { loaders }, info) => {
      const page = parseChildPage(args, info, BY_TIME_AND_ID);
      return parentPageConnection(page, await loaders.membersByCircuitId(page).load(circuit.id));
    },
    items: async (circuit, args, { loaders }, info) => {
      const page = parseChildPage(args, info, BY_TIME_AND_ID);
      return parentPageConnection(page, await loaders.itemsByCircuitId(page).load(circuit.id));
    },
  },
  CircuitMember: {
    user: (member, _, { loaders }) => loaders.userById.load(member.userId).then((user) => user!),
  },
};
