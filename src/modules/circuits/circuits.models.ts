import type { Circuit, CircuitMember } from '../../generated/prisma/client';
import type { Connection } from '../../pagination';

// What the circuits module's GraphQL types receive as parent (codegen mappers).
export type CircuitModel = Circuit;
export type CircuitMemberModel = CircuitMember;
export type CircuitConnectionModel = Connection<Circuit>;
export type CircuitMemberConnectionModel = Connection<CircuitMember>;
