import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// The circuit role hierarchy: OWNER above ADMIN above MEMBER above VIEWER. Nobody acts on their
// equal or above; the OWNER can hand the circuit over. Every (actor, target) pair is tried.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

type Role = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';
const ROLES: Role[] = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'];
const RANK: Record<Role, number> = { OWNER: 4, ADMIN: 3, MEMBER: 2, VIEWER: 1 };

const ADD = 'mutation($c: ID!, $u: String!, $r: CircuitRole) { addCircuitMember(input: { circuitId: $c, username: $u, role: $r }) { role user { username } } }';
const REMOVE = 'mutation($c: ID!, $u: String!) { removeCircuitMember(input: { circuitId: $c, username: $u }) { role user { username } } }';
const CHANGE = 'mutation($c: ID!, $u: String!, $r: CircuitRole!) { changeCircuitMemberRole(input: { circuitId: $c, username: $u, role: $r }) { role user { username } } }';
const MEMBERS = 'query($c: ID!) { circuit(id: $c) { owner { username } members(first: 100) { edges { node { role user { username } } } } } }';

/** A circuit with one member of each role (and a second ADMIN, MEMBER and VIEWER as targets). */
async function circuitWithEveryRole() {
  const owner = await gw.freshUser('owner');
  const circuitId = (await gw.http('mutation { createCircuit(input: { name: "roles" }) { id } }', {}, owner.key)).data.createCircuit.id;
  const people: Record<string, { username: string; key: string }> = { OWNER: owner };
  for (const role of ['ADMIN', 'MEMBER', 'VIEWER', 'ADMIN2', 'MEMBER2', 'VIEWER2']) {
    const user = await gw.freshUser(role.toLowerCase());
    const added = await gw.http(ADD, { c: circuitId, u: user.username, r: role.replace('2', '') }, owner.key);
    expect(added.errors).toBeUndefined();
    people[role] = user;
  }
  return { circuitId, people };
}

const rolesIn = async (circuitId: string, key: string) =>
  Object.fromEntries((await gw.http(MEMBERS, { c: circuitId }, key)).data.circuit.members.edges.map((edge: any) => [edge.node.user.username, edge.node.role]));

describe('removeCircuitMember', () => {
  for (const actor of ROLES) {
    for (const target of ['ADMIN', 'MEMBER', 'VIEWER'] as Role[]) {
      const allowed = RANK[actor] > RANK[target] && RANK[actor] >= RANK.ADMIN;
      test(`${actor} removing a${target === 'ADMIN' ? 'n' : ''} ${target}: ${allowed ? 'removed' : 'FORBIDDEN'}`, async () => {
        const { circuitId, people } = await circuitWithEveryRole();
        const targetUser = people[actor === target ? `${target}2` : target]!;
        const result = await gw.http(REMOVE, { c: circuitId, u: targetUser.username }, people[actor]!.key);
        const after = await rolesIn(circuitId, people.OWNER!.key);
        if (allowed) {
          expect(result.data.removeCircuitMember).toEqual({ role: target, user: { username: targetUser.username } });
          expect(after[targetUser.username]).toBeUndefined();
        } else {
          expect(result.data).toBeNull();
          expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
          expect(after[targetUser.username]).toBe(target);
        }
      });
    }
  }

  test('nobody removes the OWNER; a member may leave; the OWNER may not leave', async () => {
    const { circuitId, people } = await circuitWithEveryRole();
    const onOwner = await gw.http(REMOVE, { c: circuitId, u: people.OWNER!.username }, people.ADMIN!.key);
    expect(onOwner.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gw.http(REMOVE, { c: circuitId, u: people.VIEWER!.username }, people.VIEWER!.key)).errors).toBeUndefined();
    expect((await gw.http(MEMBERS, { c: circuitId }, people.VIEWER!.key)).data.circuit).toBeNull();
    const ownerLeaves = await gw.http(REMOVE, { c: circuitId, u: people.OWNER!.username }, people.OWNER!.key);
    expect(ownerLeaves.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  test('an outsider gets NOT_FOUND, and so does a username that is not a member', async () => {
    const { circuitId, people } = await circuitWithEveryRole();
    const outsider = await gw.freshUser('outsider');
    expect((await gw.http(REMOVE, { c: circuitId, u: people.VIEWER!.username }, outsider.key)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await gw.http(REMOVE, { c: circuitId, u: outsider.username }, people.OWNER!.key)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});

describe('changeCircuitMemberRole', () => {
  for (const actor of ROLES) {
    for (const target of ['ADMIN', 'MEMBER', 'VIEWER'] as Role[]) {
      for (const to of ['ADMIN', 'MEMBER', 'VIEWER'] as Role[]) {
        if (to === target) continue;
        const allowed = RANK[actor] >= RANK.ADMIN && RANK[actor] > RANK[target] && RANK[actor] > RANK[to];
        test(`${actor} changing a ${target} to ${to}: ${allowed ? 'changed' : 'FORBIDDEN'}`, async () => {
          const { circuitId, people } = await circuitWithEveryRole();
          const targetUser = people[actor === target ? `${target}2` : target]!;
          const result = await gw.http(CHANGE, { c: circuitId, u: targetUser.username, r: to }, people[actor]!.key);
          const after = await rolesIn(circuitId, people.OWNER!.key);
          if (allowed) {
            expect(result.data.changeCircuitMemberRole).toEqual({ role: to, user: { username: targetUser.username } });
            expect(after[targetUser.username]).toBe(to);
          } else {
            expect(result.data).toBeNull();
            expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
            expect(after[targetUser.username]).toBe(target);
          }
        });
      }
    }
  }

  test('ADMINs cannot make ADMINs, by adding or by promoting (no chains of ADMINs)', async () => {
    const { circuitId, people } = await circuitWithEveryRole();
    const newcomer = await gw.freshUser('newcomer');
    expect((await gw.http(ADD, { c: circuitId, u: newcomer.username, r: 'ADMIN' }, people.ADMIN!.key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gw.http(ADD, { c: circuitId, u: newcomer.username, r: 'MEMBER' }, people.ADMIN!.key)).errors).toBeUndefined();
    expect((await gw.http(CHANGE, { c: circuitId, u: newcomer.username, r: 'ADMIN' }, people.ADMIN!.key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  test('the OWNER hands the circuit over: the member becomes OWNER, the former OWNER an ADMIN', async () => {
    const { circuitId, people } = await circuitWithEveryRole();
    expect((await gw.http(CHANGE, { c: circuitId, u: people.MEMBER!.username, r: 'OWNER' }, people.ADMIN!.key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const handed = await gw.http(CHANGE, { c: circuitId, u: people.MEMBER!.username, r: 'OWNER' }, people.OWNER!.key);
    expect(handed.data.changeCircuitMemberRole).toEqual({ role: 'OWNER', user: { username: people.MEMBER!.username } });
    const after = await gw.http(MEMBERS, { c: circuitId }, people.MEMBER!.key);
    expect(after.data.circuit.owner.username).toBe(people.MEMBER!.username);
    const roles = Object.values(await rolesIn(circuitId, people.MEMBER!.key));
    expect(roles.filter((role) => role === 'OWNER')).toHaveLength(1);
    expect((await rolesIn(circuitId, people.MEMBER!.key))[people.OWNER!.username]).toBe('ADMIN');
    // The former OWNER, now an ADMIN, can no longer act on the ADMINs.
    expect((await gw.http(REMOVE, { c: circuitId, u: people.ADMIN!.username }, people.OWNER!.key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  test('nobody changes their own role', async () => {
    const { circuitId, people } = await circuitWithEveryRole();
    expect((await gw.http(CHANGE, { c: circuitId, u: people.ADMIN!.username, r: 'VIEWER' }, people.ADMIN!.key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
