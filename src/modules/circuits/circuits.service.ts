import { Prisma, type Circuit, type CircuitMember, type CircuitRole, type PrismaClient } from '../../generated/prisma/client';
import type { Viewer } from '../../auth/api-keys';
import type { ServiceDeps } from '../../context';
import { badUserInput, conflict, forbidden, notFound } from '../../errors';
import { isUniqueViolation, TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { afterCursorSql, byId, keyOfRow, parsePage, toConnection, type Connection, type PageArgs } from '../../pagination';
import { readLean } from '../../db/lean-table';
import type { GraphQLResolveInfo } from 'graphql';
import { answerCarriedRows, pagePlanOf, type Carriers } from '../../graphql/carried-reads';
import { CIRCUIT_ROW } from './circuit-row';
import type { CircuitModel } from './circuits.models';
import { optionalText, requiredText } from '../../graphql/validate';
import type { AddCircuitMemberInput, ChangeCircuitMemberRoleInput, CreateCircuitInput, PushItemToCircuitInput, RemoveCircuitMemberInput } from '../../generated/graphql';

type Tx = Prisma.TransactionClient;
import { itemToWrite } from '../items/item-access';

const CIRCUITS_ORDER = byId('desc', 'c');

/** The circuits the viewer belongs to, newest first, each with the viewer's role in it. */
export async function listCircuits({ prisma, viewer }: ServiceDeps, args: PageArgs, info?: GraphQLResolveInfo, lists?: Carriers): Promise<Connection<CircuitModel>> {
  const page = parsePage(args, CIRCUITS_ORDER);
  const plan = pagePlanOf(CIRCUIT_ROW, info, String(viewer.id), lists);
  // The membership that makes a circuit the viewer's is joined anyway: its role comes along.
  const rows = await readLean<CircuitModel>({ prisma }, plan.columns, Prisma.sql`
    SELECT ${plan.select}, m.role::text AS "viewerRole"
    FROM "Circuit" c JOIN "CircuitMember" m ON m."circuitId" = c.id AND m."userId" = ${viewer.id}
    WHERE ${afterCursorSql(CIRCUITS_ORDER, page.after)}
    ORDER BY c.id DESC LIMIT ${page.first + 1}`);
  answerCarriedRows(rows, plan);
  return toConnection(rows, page, keyOfRow(CIRCUITS_ORDER), () => prisma.circuit.count({ where: { members: { some: { userId: viewer.id } } } }));
}

/** Creates a circuit with the viewer as its OWNER. */
export function createCircuit({ prisma, viewer }: ServiceDeps, input: CreateCircuitInput): Promise<Circuit> {
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

/** The roles in order: each may act only on the roles below its own. */
const RANK: Record<CircuitRole, number> = { OWNER: 4, ADMIN: 3, MEMBER: 2, VIEWER: 1 };

/** The circuit's row lock, so that membership changes of one circuit happen one at a time. */
async function lockCircuit(tx: Tx, circuitId: number): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Circuit" WHERE id = ${circuitId} FOR UPDATE`;
}

/** The member `username` of a circuit (NOT_FOUND when they are not one). */
async function memberNamed(tx: Tx, circuitId: number, username: string): Promise<CircuitMember> {
  const member = await tx.circuitMember.findFirst({ where: { circuitId, user: { username } } });
  if (!member) throw notFound(`Member ${username} of this circuit`);
  return member;
}

/** Refuses unless the viewer's role is above `targetRole` (and they are OWNER or ADMIN). */
function requireAbove(viewerRole: CircuitRole, targetRole: CircuitRole, action: string): void {
  if (viewerRole !== 'OWNER' && viewerRole !== 'ADMIN') throw forbidden(`Only the circuit's OWNER or an ADMIN may ${action}`);
  if (RANK[targetRole] >= RANK[viewerRole]) throw forbidden(`An ${viewerRole} may only ${action} below their own role (${targetRole} is not)`);
}

/** Adds a member with a role below the viewer's own; nobody may add a second OWNER. */
export async function addCircuitMember(
  { prisma, viewer }: ServiceDeps,
  circuitId: number,
  input: AddCircuitMemberInput,
): Promise<CircuitMember> {
  const role = input.role ?? 'MEMBER';
  if (role === 'OWNER') throw badUserInput('input.role: a circuit has one OWNER; use ADMIN, or hand the circuit over with changeCircuitMemberRole', 'input.role');
  const membership = await viewerMembership(prisma, viewer, circuitId);
  requireAbove(membership.role, role, 'add members');
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

/**
 * Runs a change of `username`'s membership under the circuit's row lock, so that changes to one
 * circuit happen one at a time and each reads the roles as they are (NOT_FOUND for an outsider).
 */
async function changeMembership<T>(
  prisma: PrismaClient,
  viewer: Viewer,
  circuitId: number,
  username: string,
  change: (tx: Tx, own: CircuitMember, target: CircuitMember) => Promise<T>,
): Promise<T> {
  await viewerMembership(prisma, viewer, circuitId);
  return prisma.$transaction(async (tx) => {
    await lockCircuit(tx, circuitId);
    const own = await tx.circuitMember.findUnique({ where: { circuitId_userId: { circuitId, userId: viewer.id } } });
    if (!own) throw notFound('Circuit');
    return change(tx, own, await memberNamed(tx, circuitId, username));
  }, TRANSACTION_OPTIONS);
}

/** Removes a member below the viewer's role, or the viewer themselves (not the OWNER). */
export function removeCircuitMember({ prisma, viewer }: ServiceDeps, circuitId: number, input: RemoveCircuitMemberInput): Promise<CircuitMember> {
  const username = requiredText(input.username, 'input.username', 100);
  return changeMembership(prisma, viewer, circuitId, username, async (tx, own, target) => {
    if (target.userId === viewer.id) {
      if (own.role === 'OWNER') throw forbidden('The OWNER cannot leave; hand the circuit over first (changeCircuitMemberRole with role OWNER)');
    } else {
      requireAbove(own.role, target.role, 'remove members');
    }
    await tx.circuitMember.delete({ where: { circuitId_userId: { circuitId, userId: target.userId } } });
    return target;
  });
}

/**
 * Changes a member's role within the hierarchy; role OWNER (from the OWNER only) hands the
 * circuit over: the member becomes OWNER and the former OWNER an ADMIN, in one transaction.
 */
export function changeCircuitMemberRole({ prisma, viewer }: ServiceDeps, circuitId: number, input: ChangeCircuitMemberRoleInput): Promise<CircuitMember> {
  const username = requiredText(input.username, 'input.username', 100);
  return changeMembership(prisma, viewer, circuitId, username, async (tx, own, target) => {
    if (target.userId === viewer.id) throw forbidden('Nobody may change their own role');
    if (input.role === 'OWNER') {
      if (own.role !== 'OWNER') throw forbidden('Only the OWNER may hand the circuit over');
      await tx.circuitMember.update({ where: { circuitId_userId: { circuitId, userId: viewer.id } }, data: { role: 'ADMIN' } });
      await tx.circuit.update({ where: { id: circuitId }, data: { ownerId: target.userId } });
    } else {
      requireAbove(own.role, target.role, 'change the role of members');
      requireAbove(own.role, input.role, 'give roles');
    }
    return tx.circuitMember.update({ where: { circuitId_userId: { circuitId, userId: target.userId } }, data: { role: input.role } });
  });
}

/** Shares an item the viewer may write with a circuit where they are more than a VIEWER. */
export async function pushItemToCircuit(
  { prisma, viewer }: ServiceDeps,
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
