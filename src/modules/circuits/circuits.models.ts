import type { Circuit, CircuitMember, CircuitRole } from '../../generated/prisma/client';
import type { Connection } from '../../pagination';

// What the circuits module's GraphQL types receive as parent (codegen mappers).
/** A circuit row; read on the viewer's circuits page, it carries the viewer's role in it. */
export type CircuitModel = Circuit & { viewerRole?: CircuitRole };
export type CircuitMemberModel = CircuitMember;
export type CircuitConnectionModel = Connection<CircuitModel>;
export type CircuitMemberConnectionModel = Connection<CircuitMember>;
