import type { Circuit, CircuitMember, PrismaClient } from '../../generated/prisma/client';
import type { Viewer } from '../../auth/api-keys';
import { badUserInput, conflict, forbidden, notFound } from '../../errors';
import { isUniqueViolation } from '../../db/prisma-errors';
import { toConnection, type Connection, type Page } from '../../graphql/pagination';
import { optionalText, requiredText } from '../../graphql/validate';
import type { AddCircuitMemberInput, CreateCircuitInput, PushItemToCircuitInput } from '../../generated/graphql';
import { itemToWrite, visibleItems } from '../items/item-access';

/** The circuits the viewer belongs to, newest first. */
export async function listCircuits(prisma: PrismaClient, viewer: Viewer, page: Page): Promise<Connection<Circuit>> {
  const where = { members: { some: { userId: viewer.id } } };
  const rows = await prisma.circuit.findMany({
    where: page.after ? { ...where, id: { lt: Number(page.after[0]) } } : where,
    orderBy: { id: 'desc' },
    take: page.first + 1,
  });
  return toConnection(rows, page, (circuit) => [circuit.id], () => prisma.circuit.count({ where }));
}

/** Creates a circuit with the viewer as its OWNER. */
export function createCircuit(prisma: PrismaClient, viewer: Viewer, input: CreateCircuitInput): Promise<Circuit> {
  return prisma.circuit.create({
    data: {
      name: requiredText(input.name, 'input.name', 200),
      description: optionalText(input.description, 'input.description', 2000) ?? null,
      ownerId: viewer.id,
      members: { create: { userId: viewer.id, role: 'OWNER' } },
    },
  });
}

/** The viewer's membership of a circuit; a circuit they are not in reads as not found. */
async function viewerMembership(prisma: PrismaClient, viewer: Viewer, circuitId: number) {
  const membership = await prisma.circuitMember.findUnique({
    where: { circuitId_userId: { circuitId, userId: viewer.id } },
  });
  if (!membership) throw notFound('Circuit');
  return membership;
}

/** Adds a member; only the circuit's OWNER and ADMINs may, and nobody may add a second OWNER. */
export async function addCircuitMember(
  prisma: PrismaClient,
  viewer: Viewer,
  circuitId: number,
  input: AddCircuitMemberInput,
): Promise<CircuitMember> {
  const role = input.role ?? 'MEMBER';
  if (role === 'OWNER') throw badUserInput('input.role: a circuit has one OWNER; use ADMIN', 'input.role');
  const membership = await viewerMembership(prisma, viewer, circuitId);
  if (membership.role !== 'OWNER' && membership.role !== 'ADMIN') {
    throw forbidden('Only the circuit OWNER or an ADMIN may add members');
  }
  const username = requiredText(input.username, 'input.username', 100);
  const user = await prisma.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) throw notFound(`User ${username}`);
  try {
    return await prisma.circuitMember.create({ data: { circuitId, userId: user.id, role } });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`${username} is already a member of this circuit`);
    throw error;
  }
}

/** Shares an item the viewer may write with a circuit where they are more than a VIEWER. */
export async function pushItemToCircuit(
  prisma: PrismaClient,
  viewer: Viewer,
  circuitId: number,
  input: PushItemToCircuitInput,
): Promise<Circuit> {
  const membership = await viewerMembership(prisma, viewer, circuitId);
  if (membership.role === 'VIEWER') throw forbidden('VIEWERs may not push items to a circuit');
  const dfid = requiredText(input.dfid, 'input.dfid', 200);
  const item = await itemToWrite(prisma, viewer.id, dfid);
  if (item === null) throw notFound(`Item ${dfid}`);
  // Sharing onward needs more than read access: a VIEWER elsewhere may not re-share what they see.
  if (item === 'read-only') throw forbidden(`You may only read item ${dfid}; it cannot be pushed onward`);
  // Pushing twice is harmless: the (circuit, item) pair is unique and duplicates are skipped.
  await prisma.circuitItem.createMany({
    data: [{ circuitId, itemId: item.id, pushedById: viewer.id }],
    skipDuplicates: true,
  });
  return prisma.circuit.findUniqueOrThrow({ where: { id: circuitId } });
}
