import { demoFixture } from './helpers/demo-fixture';
import { codeOf, dataOf } from './helpers/responses';

// Circuits: reads (circuit, circuits, Circuit's relations) and writes (createCircuit,
// addCircuitMember, pushItemToCircuit), with the roles that govern them. Expectations come
// from the rows in the database; circuit names are unique in the seed and in this file.

const { gw, demo, alice } = demoFixture();

const userId = async (username: string) => (await gw.db.prisma.user.findUniqueOrThrow({ where: { username } })).id;

/** The circuits `username` belongs to, newest first, from the tables. */
async function circuitsOf(username: string) {
  const memberships = await gw.db.prisma.circuitMember.findMany({
    where: { userId: await userId(username) },
    include: { circuit: { include: { owner: true } } },
  });
  return memberships.map((m) => ({ ...m.circuit, role: m.role })).sort((a, b) => b.id - a.id);
}

const CIRCUITS = `query Circuits($first: Int, $after: String) {
  circuits(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}`;
const CIRCUIT = `query Circuit($id: ID!) {
  circuit(id: $id) { id name description createdAt owner { username } viewerRole }
}`;
const CREATE = `mutation Create($input: CreateCircuitInput!) {
  createCircuit(input: $input) {
    id name description owner { username } viewerRole
    members { totalCount edges { node { role user { username } } } }
    items { totalCount }
  }
}`;
const ADD = `mutation Add($input: AddCircuitMemberInput!) {
  addCircuitMember(input: $input) { role joinedAt user { username } }
}`;
const PUSH = `mutation Push($input: PushItemToCircuitInput!) {
  pushItemToCircuit(input: $input) { id name items { totalCount edges { node { dfid } } } }
}`;
const STORE = `mutation Store($dfid: String!) { storeItem(input: { dfid: $dfid, source: "test" }) { dfid } }`;

/** The global IDs of the viewer's circuits, by name (read through the API, never built). */
async function circuitIdsFor(key: string): Promise<Map<string, string>> {
  const { circuits } = dataOf(await gw.execute(CIRCUITS, { first: 100 }, key));
  return new Map(circuits.edges.map((edge: any) => [edge.node.name, edge.node.id]));
}

/** Creates a circuit as `ownerKey` and adds members with roles; returns its global ID. */
async function circuitWith(ownerKey: string, name: string, members: [string, string][]): Promise<string> {
  const id = dataOf(await gw.execute(CREATE, { input: { name } }, ownerKey)).createCircuit.id;
  for (const [username, role] of members) {
    dataOf(await gw.execute(ADD, { input: { circuitId: id, username, role } }, ownerKey));
  }
  return id;
}

describe('circuits(first, after)', () => {
  test("lists exactly the viewer's circuits, newest first", async () => {
    const expected = (await circuitsOf('demo')).map((c) => c.name);
    expect(expected.length).toBeGreaterThan(5);
    const { circuits } = dataOf(await gw.execute(CIRCUITS, {}, demo.key));
    expect(circuits.edges.map((edge: any) => edge.node.name)).toEqual(expected.slice(0, 20));
    expect(circuits.totalCount).toBe(expected.length);
    expect(circuits.pageInfo).toEqual({
      hasNextPage: expected.length > 20,
      hasPreviousPage: false,
      startCursor: circuits.edges[0].cursor,
      endCursor: circuits.edges[circuits.edges.length - 1].cursor,
    });
  });

  test.each(['alice', 'bob', 'carol', 'dave'])('%s sees exactly the circuits they belong to', async (username) => {
    const key = await gw.keyFor(username);
    const expected = (await circuitsOf(username)).map((c) => c.name);
    const { circuits } = dataOf(await gw.execute(CIRCUITS, { first: 100 }, key));
    expect(circuits.edges.map((edge: any) => edge.node.name)).toEqual(expected);
    expect(circuits.totalCount).toBe(expected.length);
  });

  test.each([1, 5])('paging with first: %i yields every circuit once, in order', async (first) => {
    const expected = (await circuitsOf('demo')).map((c) => c.name);
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const circuits: any = dataOf(await gw.execute(CIRCUITS, { first, after }, demo.key)).circuits;
      expect(circuits.edges.length).toBeLessThanOrEqual(first);
      expect(circuits.totalCount).toBe(expected.length);
      seen.push(...circuits.edges.map((edge: any) => edge.node.name));
      if (!circuits.pageInfo.hasNextPage) break;
      after = circuits.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  test.each(['demo', 'alice', 'bob'])("%s's page carries each circuit's stored values and their own role in it", async (username) => {
    const key = username === 'demo' ? demo.key : await gw.keyFor(username);
    const { circuits } = dataOf(
      await gw.execute(`{ circuits(first: 100) { edges { node { name description createdAt viewerRole owner { username } } } } }`, {}, key),
    );
    expect(circuits.edges.map((edge: any) => edge.node)).toEqual(
      (await circuitsOf(username)).map((c) => ({
        name: c.name,
        description: c.description,
        createdAt: c.createdAt.toISOString(),
        viewerRole: c.role,
        owner: { username: c.owner.username },
      })),
    );
    // Roles differ between circuits (not one value for all), so the check above can fail.
    if (username === 'demo') expect(new Set(circuits.edges.map((edge: any) => edge.node.viewerRole)).size).toBeGreaterThan(1);
  });

  test('a user in no circuit gets an empty list', async () => {
    const key = await gw.keyFor('lonely-circuits');
    expect(dataOf(await gw.execute(CIRCUITS, {}, key))).toEqual({
      circuits: {
        totalCount: 0,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        edges: [],
      },
    });
  });

  test.each([
    ['first: 101', { first: 101 }],
    ['first: -1', { first: -1 }],
    ['a garbage after', { after: 'garbage' }],
    ['an after with a string id', { after: Buffer.from('c1:["7"]').toString('base64url') }],
  ])('%s is BAD_USER_INPUT', async (_, args) => {
    const result = await gw.execute(CIRCUITS, args, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });
});

describe('circuit(id)', () => {
  test('returns each of the viewer\'s circuits with its stored values and the viewer\'s role', async () => {
    const ids = await circuitIdsFor(demo.key);
    for (const circuit of await circuitsOf('demo')) {
      const result = await gw.execute(CIRCUIT, { id: ids.get(circuit.name) }, demo.key);
      expect(dataOf(result)).toEqual({
        circuit: {
          id: ids.get(circuit.name),
          name: circuit.name,
          description: circuit.description,
          createdAt: circuit.createdAt.toISOString(),
          owner: { username: circuit.owner.username },
          viewerRole: circuit.role,
        },
      });
    }
  });

  test('reads as null for a circuit the viewer is not in, and for a deleted circuit', async () => {
    const demoCircuits = new Set((await circuitsOf('demo')).map((c) => c.name));
    const aliceIds = await circuitIdsFor(alice.key);
    const notDemos = [...aliceIds].filter(([name]) => !demoCircuits.has(name));
    expect(notDemos.length).toBeGreaterThan(0);
    for (const [, id] of notDemos) {
      expect(dataOf(await gw.execute(CIRCUIT, { id }, demo.key))).toEqual({ circuit: null });
    }

    const doomed = dataOf(await gw.execute(CREATE, { input: { name: 'Doomed circuit' } }, demo.key)).createCircuit.id;
    await gw.db.prisma.circuit.deleteMany({ where: { name: 'Doomed circuit' } });
    expect(dataOf(await gw.execute(CIRCUIT, { id: doomed }, demo.key))).toEqual({ circuit: null });
  });

  test('malformed IDs (garbage, empty, another type\'s ID, a non-canonical encoding) are BAD_USER_INPUT', async () => {
    const viewer = dataOf(await gw.execute(`{ viewer { id } items(first: 1) { edges { node { id } } } }`, {}, demo.key));
    const circuitId = (await circuitIdsFor(demo.key)).values().next().value as string;
    const malformed = [
      'garbage',
      '',
      viewer.viewer.id,
      viewer.items.edges[0].node.id,
      `${circuitId}!!`,
      Buffer.from(`${Buffer.from(circuitId, 'base64url').toString('utf8').replace(':', ':00')}`).toString('base64url'),
    ];
    for (const id of malformed) {
      const result = await gw.execute(CIRCUIT, { id }, demo.key);
      expect([id, result.data]).toEqual([id, { circuit: null }]);
      expect([id, codeOf(result)]).toEqual([id, 'BAD_USER_INPUT']);
    }
  });
});

describe("a circuit's relations", () => {
  const RELATIONS = `query Relations($id: ID!, $first: Int, $afterMember: String, $afterItem: String) {
    circuit(id: $id) {
      owner { username }
      viewerRole
      members(first: $first, after: $afterMember) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { role joinedAt user { username } } }
      }
      items(first: $first, after: $afterItem) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { dfid } }
      }
    }
  }`;

  /** Members in the order they joined, and items most recently pushed first, from the tables. */
  async function expectedRelations(name: string) {
    const circuit = await gw.db.prisma.circuit.findFirstOrThrow({ where: { name }, include: { owner: true } });
    const members = await gw.db.prisma.circuitMember.findMany({
      where: { circuitId: circuit.id },
      orderBy: [{ joinedAt: 'asc' }, { id: 'asc' }],
      include: { user: true },
    });
    const items = await gw.db.prisma.circuitItem.findMany({
      where: { circuitId: circuit.id },
      orderBy: [{ pushedAt: 'desc' }, { id: 'desc' }],
      include: { item: true },
    });
    return {
      owner: { username: circuit.owner.username },
      members: members.map((m) => ({ role: m.role, joinedAt: m.joinedAt.toISOString(), user: { username: m.user.username } })),
      items: items.map((ci) => ({ dfid: ci.item.dfid })),
    };
  }

  test('owner, viewerRole, members (in joining order) and items (most recently pushed first) match the tables', async () => {
    const ids = await circuitIdsFor(demo.key);
    for (const circuit of await circuitsOf('demo')) {
      const expected = await expectedRelations(circuit.name);
      const { circuit: got } = dataOf(await gw.execute(RELATIONS, { id: ids.get(circuit.name), first: 100 }, demo.key));
      expect({ name: circuit.name, ...got }).toEqual({
        name: circuit.name,
        owner: expected.owner,
        viewerRole: circuit.role,
        members: {
          totalCount: expected.members.length,
          pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          edges: expected.members.map((node) => ({ node })),
        },
        items: {
          totalCount: expected.items.length,
          pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          edges: expected.items.map((node) => ({ node })),
        },
      });
    }
  });

  test('members and items page with cursors through every row once', async () => {
    const ids = await circuitIdsFor(demo.key);
    const [busiest] = (await circuitsOf('demo')).sort((a, b) => a.id - b.id);
    const expected = await expectedRelations(busiest!.name);
    const id = ids.get(busiest!.name);
    const members: any[] = [];
    const items: any[] = [];
    let afterMember: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const page: any = dataOf(await gw.execute(RELATIONS, { id, first: 2, afterMember }, demo.key)).circuit.members;
      members.push(...page.edges.map((edge: any) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      afterMember = page.pageInfo.endCursor;
    }
    let afterItem: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const page: any = dataOf(await gw.execute(RELATIONS, { id, first: 2, afterItem }, demo.key)).circuit.items;
      items.push(...page.edges.map((edge: any) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      afterItem = page.pageInfo.endCursor;
    }
    expect(expected.members.length).toBeGreaterThan(2);
    expect(expected.items.length).toBeGreaterThan(2);
    expect(members).toEqual(expected.members);
    expect(items).toEqual(expected.items);
  });

  test.each([
    ['members(first: 101)', `members(first: 101) { totalCount }`],
    ['items(first: 101)', `items(first: 101) { totalCount }`],
    ['members with an items-list cursor', `members(after: "${Buffer.from('c1:[3]').toString('base64url')}") { totalCount }`],
    ['items with a garbage cursor', `items(after: "garbage") { totalCount }`],
  ])('%s is BAD_USER_INPUT', async (_, selection) => {
    const id = (await circuitIdsFor(demo.key)).values().next().value as string;
    const result = await gw.execute(`query($id: ID!) { circuit(id: $id) { ${selection} } }`, { id }, demo.key);
    expect(result.data).toEqual({ circuit: null });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });
});

describe('createCircuit', () => {
  test('creates a circuit with the viewer as its OWNER and only member', async () => {
    const result = await gw.execute(CREATE, { input: { name: '  Fresh circuit  ', description: 'For tests' } }, demo.key);
    const { createCircuit } = dataOf(result);
    expect(createCircuit).toEqual({
      id: expect.any(String),
      name: 'Fresh circuit',
      description: 'For tests',
      owner: { username: 'demo' },
      viewerRole: 'OWNER',
      members: { totalCount: 1, edges: [{ node: { role: 'OWNER', user: { username: 'demo' } } }] },
      items: { totalCount: 0 },
    });
    const row = await gw.db.prisma.circuit.findFirstOrThrow({ where: { name: 'Fresh circuit' }, include: { members: true } });
    expect(row.ownerId).toBe(await userId('demo'));
    expect(row.members.map((m) => [m.userId, m.role])).toEqual([[await userId('demo'), 'OWNER']]);
    // The newest circuit comes first in the viewer's list.
    const { circuits } = dataOf(await gw.execute(CIRCUITS, { first: 1 }, demo.key));
    expect(circuits.edges.map((edge: any) => edge.node)).toEqual([{ id: createCircuit.id, name: 'Fresh circuit' }]);
  });

  test('the description is optional', async () => {
    const { createCircuit } = dataOf(await gw.execute(CREATE, { input: { name: 'No description' } }, demo.key));
    expect([createCircuit.name, createCircuit.description]).toEqual(['No description', null]);
  });

  test.each([
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name of 201 characters', { name: 'n'.repeat(201) }],
  ])('%s is BAD_USER_INPUT and creates nothing', async (_, input) => {
    const before = await gw.db.prisma.circuit.count();
    const result = await gw.execute(CREATE, { input }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(await gw.db.prisma.circuit.count()).toBe(before);
  });
});

describe('addCircuitMember', () => {
  let circuitId: string;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of ['owner', 'admin', 'member', 'viewer', 'outsider']) keys[name] = await gw.keyFor(`cm-${name}`);
    for (const name of ['new1', 'new2', 'new3', 'new4', 'new5']) await gw.keyFor(`cm-${name}`);
    circuitId = await circuitWith(keys.owner!, 'Membership rules', [
      ['cm-admin', 'ADMIN'],
      ['cm-member', 'MEMBER'],
      ['cm-viewer', 'VIEWER'],
    ]);
  });
  const membersOfCircuit = async () => {
    const circuit = await gw.db.prisma.circuit.findFirstOrThrow({ where: { name: 'Membership rules' } });
    const rows = await gw.db.prisma.circuitMember.findMany({ where: { circuitId: circuit.id }, include: { user: true }, orderBy: { id: 'asc' } });
    return rows.map((row) => [row.user.username, row.role]);
  };

  test('the OWNER adds a member, MEMBER by default', async () => {
    const result = await gw.execute(ADD, { input: { circuitId, username: 'cm-new1' } }, keys.owner);
    const { addCircuitMember } = dataOf(result);
    expect(addCircuitMember).toEqual({ role: 'MEMBER', joinedAt: expect.any(String), user: { username: 'cm-new1' } });
    expect(Math.abs(Date.parse(addCircuitMember.joinedAt) - Date.now())).toBeLessThan(60_000);
    expect(await membersOfCircuit()).toContainEqual(['cm-new1', 'MEMBER']);
  });

  test('an ADMIN adds members with a role below their own, never another ADMIN', async () => {
    for (const [username, role] of [
      ['cm-new2', 'VIEWER'],
      ['cm-new3', 'MEMBER'],
    ]) {
      const result = await gw.execute(ADD, { input: { circuitId, username, role } }, keys.admin);
      expect(dataOf(result)).toEqual({ addCircuitMember: { role, joinedAt: expect.any(String), user: { username } } });
    }
    const admin = await gw.execute(ADD, { input: { circuitId, username: 'cm-new3', role: 'ADMIN' } }, keys.admin);
    expect(codeOf(admin)).toBe('FORBIDDEN');
    expect(await membersOfCircuit()).toEqual(
      expect.arrayContaining([
        ['cm-new2', 'VIEWER'],
        ['cm-new3', 'MEMBER'],
      ]),
    );
  });

  test('the new member sees the circuit, with their role', async () => {
    const key = await gw.keyFor('cm-new2');
    expect(dataOf(await gw.execute(`query($id: ID!) { circuit(id: $id) { name viewerRole } }`, { id: circuitId }, key))).toEqual({
      circuit: { name: 'Membership rules', viewerRole: 'VIEWER' },
    });
    const { circuits } = dataOf(await gw.execute(CIRCUITS, {}, key));
    expect(circuits.edges.map((edge: any) => edge.node.id)).toEqual([circuitId]);
  });

  test.each(['member', 'viewer'])('a %s may not add members: FORBIDDEN, and nobody is added', async (who) => {
    const before = await membersOfCircuit();
    const result = await gw.execute(ADD, { input: { circuitId, username: 'cm-new4', role: 'VIEWER' } }, keys[who]);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await membersOfCircuit()).toEqual(before);
  });

  test('role OWNER is BAD_USER_INPUT (a circuit has one OWNER)', async () => {
    const before = await membersOfCircuit();
    const result = await gw.execute(ADD, { input: { circuitId, username: 'cm-new4', role: 'OWNER' } }, keys.owner);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(await membersOfCircuit()).toEqual(before);
  });

  test('an unknown username is NOT_FOUND', async () => {
    const result = await gw.execute(ADD, { input: { circuitId, username: 'cm-nobody-at-all' } }, keys.owner);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  test.each([
    ['a member', 'cm-member'],
    ['the owner', 'cm-owner'],
  ])('adding %s again is a CONFLICT and keeps their role', async (_, username) => {
    const before = await membersOfCircuit();
    const result = await gw.execute(ADD, { input: { circuitId, username, role: 'VIEWER' } }, keys.admin);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('CONFLICT');
    expect(await membersOfCircuit()).toEqual(before);
  });

  test('someone outside the circuit is NOT_FOUND (the circuit does not exist for them)', async () => {
    const before = await membersOfCircuit();
    const result = await gw.execute(ADD, { input: { circuitId, username: 'cm-new5' } }, keys.outsider);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('NOT_FOUND');
    expect(await membersOfCircuit()).toEqual(before);
  });

  test('a deleted circuit is NOT_FOUND', async () => {
    const id = dataOf(await gw.execute(CREATE, { input: { name: 'Gone circuit' } }, keys.owner)).createCircuit.id;
    await gw.db.prisma.circuit.deleteMany({ where: { name: 'Gone circuit' } });
    const result = await gw.execute(ADD, { input: { circuitId: id, username: 'cm-new5' } }, keys.owner);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  test.each(['garbage', ''])('a malformed circuitId (%j) is BAD_USER_INPUT', async (id) => {
    const result = await gw.execute(ADD, { input: { circuitId: id, username: 'cm-new5' } }, keys.owner);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test('a seeded ADMIN may add to a seeded circuit; a seeded MEMBER may not', async () => {
    const memberships = await gw.db.prisma.circuitMember.findMany({ where: { userId: demo.id }, include: { circuit: true } });
    const ids = await circuitIdsFor(demo.key);
    const asAdmin = memberships.find((m) => m.role === 'ADMIN')!;
    const asMember = memberships.find((m) => m.role === 'MEMBER')!;
    await gw.keyFor('cm-seeded-new');
    const added = await gw.execute(ADD, { input: { circuitId: ids.get(asAdmin.circuit.name), username: 'cm-seeded-new' } }, demo.key);
    expect(dataOf(added).addCircuitMember.user).toEqual({ username: 'cm-seeded-new' });
    const denied = await gw.execute(ADD, { input: { circuitId: ids.get(asMember.circuit.name), username: 'cm-seeded-new' } }, demo.key);
    expect(denied.data).toBeNull();
    expect(codeOf(denied)).toBe('FORBIDDEN');
  });
});

describe('pushItemToCircuit', () => {
  let circuitId: string;
  const keys: Record<string, string> = {};
  const ITEM = `query($dfid: String!) { item(dfid: $dfid) { dfid circuits { edges { node { name } } } } }`;
  beforeAll(async () => {
    for (const name of ['owner', 'member', 'viewer', 'outsider']) keys[name] = await gw.keyFor(`pi-${name}`);
    circuitId = await circuitWith(keys.owner!, 'Push rules', [
      ['pi-member', 'MEMBER'],
      ['pi-viewer', 'VIEWER'],
    ]);
    const stores: [string, string][] = [
      ['member', 'PI-MEMBER-1'],
      ['member', 'PI-MEMBER-2'],
      ['viewer', 'PI-VIEWER-1'],
      ['outsider', 'PI-OUTSIDER-1'],
      ['owner', 'PI-OWNER-1'],
    ];
    for (const [who, dfid] of stores) {
      dataOf(await gw.execute(STORE, { dfid }, keys[who]));
    }
  });
  const pushedDfids = async () => {
    const circuit = await gw.db.prisma.circuit.findFirstOrThrow({ where: { name: 'Push rules' } });
    const rows = await gw.db.prisma.circuitItem.findMany({ where: { circuitId: circuit.id }, include: { item: true }, orderBy: { id: 'asc' } });
    return rows.map((row) => row.item.dfid);
  };

  test('after a MEMBER pushes an item, every member can see it, and outsiders still cannot', async () => {
    for (const who of ['owner', 'viewer', 'outsider']) {
      expect(dataOf(await gw.execute(ITEM, { dfid: 'PI-MEMBER-1' }, keys[who]))).toEqual({ item: null });
    }
    const result = await gw.execute(PUSH, { input: { circuitId, dfid: 'PI-MEMBER-1' } }, keys.member);
    expect(dataOf(result)).toEqual({
      pushItemToCircuit: { id: circuitId, name: 'Push rules', items: { totalCount: 1, edges: [{ node: { dfid: 'PI-MEMBER-1' } }] } },
    });
    for (const who of ['owner', 'viewer', 'member']) {
      expect(dataOf(await gw.execute(ITEM, { dfid: 'PI-MEMBER-1' }, keys[who]))).toEqual({
        item: { dfid: 'PI-MEMBER-1', circuits: { edges: [{ node: { name: 'Push rules' } }] } },
      });
    }
    expect(dataOf(await gw.execute(ITEM, { dfid: 'PI-MEMBER-1' }, keys.outsider))).toEqual({ item: null });
    const pushedBy = await gw.db.prisma.circuitItem.findFirstOrThrow({ where: { item: { dfid: 'PI-MEMBER-1' } } });
    expect(pushedBy.pushedById).toBe(await userId('pi-member'));
  });

  test('pushing twice (one after the other, or at once) is harmless', async () => {
    const again = await gw.execute(PUSH, { input: { circuitId, dfid: 'PI-MEMBER-1' } }, keys.member);
    expect(dataOf(again).pushItemToCircuit.items.totalCount).toBe(1);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => gw.execute(PUSH, { input: { circuitId, dfid: 'PI-MEMBER-2' } }, keys.member)),
    );
    for (const result of racing) expect(result.errors).toBeUndefined();
    expect(await pushedDfids()).toEqual(['PI-MEMBER-1', 'PI-MEMBER-2']);
  });

  test('the circuit lists its items most recently pushed first', async () => {
    dataOf(await gw.execute(PUSH, { input: { circuitId, dfid: 'PI-OWNER-1' } }, keys.owner));
    const { circuit } = dataOf(
      await gw.execute(`query($id: ID!) { circuit(id: $id) { items { edges { node { dfid } } } } }`, { id: circuitId }, keys.viewer),
    );
    expect(circuit.items.edges.map((edge: any) => edge.node.dfid)).toEqual(['PI-OWNER-1', 'PI-MEMBER-2', 'PI-MEMBER-1']);
  });

  test('an item the pusher can only read (as a VIEWER elsewhere) cannot be re-shared: FORBIDDEN', async () => {
    // pi-viewer sees PI-OWNER-1 through "Push rules" (as VIEWER) and owns another circuit.
    const own = dataOf(await gw.execute(`mutation { createCircuit(input: { name: "Viewer's own" }) { id } }`, {}, keys.viewer));
    expect(dataOf(await gw.execute(ITEM, { dfid: 'PI-OWNER-1' }, keys.viewer)).item.dfid).toBe('PI-OWNER-1');
    const result = await gw.execute(PUSH, { input: { circuitId: own.createCircuit.id, dfid: 'PI-OWNER-1' } }, keys.viewer);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('FORBIDDEN');
    const reshared = await gw.db.prisma.circuitItem.count({ where: { circuit: { name: "Viewer's own" } } });
    expect(reshared).toBe(0);
  });

  test('a VIEWER may not push, even their own item: FORBIDDEN', async () => {
    const before = await pushedDfids();
    const result = await gw.execute(PUSH, { input: { circuitId, dfid: 'PI-VIEWER-1' } }, keys.viewer);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await pushedDfids()).toEqual(before);
  });

  test('a seeded VIEWER membership may not push either', async () => {
    const asViewer = await gw.db.prisma.circuitMember.findFirstOrThrow({ where: { userId: demo.id, role: 'VIEWER' }, include: { circuit: true } });
    const own = await gw.db.prisma.item.findFirstOrThrow({ where: { ownerId: demo.id } });
    const id = (await circuitIdsFor(demo.key)).get(asViewer.circuit.name);
    const before = await gw.db.prisma.circuitItem.count({ where: { circuitId: asViewer.circuitId } });
    const result = await gw.execute(PUSH, { input: { circuitId: id, dfid: own.dfid } }, demo.key);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await gw.db.prisma.circuitItem.count({ where: { circuitId: asViewer.circuitId } })).toBe(before);
  });

  test('someone outside the circuit is NOT_FOUND', async () => {
    const result = await gw.execute(PUSH, { input: { circuitId, dfid: 'PI-OUTSIDER-1' } }, keys.outsider);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  test('an unknown dfid, or an item the pusher cannot see, is NOT_FOUND and nothing is pushed', async () => {
    const before = await pushedDfids();
    for (const dfid of ['PI-NO-SUCH-ITEM', 'PI-OUTSIDER-1']) {
      const result = await gw.execute(PUSH, { input: { circuitId, dfid } }, keys.member);
      expect(result.data).toBeNull();
      expect(codeOf(result)).toBe('NOT_FOUND');
    }
    expect(await pushedDfids()).toEqual(before);
    expect(dataOf(await gw.execute(ITEM, { dfid: 'PI-OUTSIDER-1' }, keys.owner))).toEqual({ item: null });
  });

  test.each(['garbage', ''])('a malformed circuitId (%j) is BAD_USER_INPUT', async (id) => {
    const result = await gw.execute(PUSH, { input: { circuitId: id, dfid: 'PI-MEMBER-1' } }, keys.member);
    expect(result.data).toBeNull();
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  test('two pushes in one operation each answer with the circuit as it is after their write', async () => {
    dataOf(await gw.execute(STORE, { dfid: 'PI-OWNER-2' }, keys.owner));
    dataOf(await gw.execute(STORE, { dfid: 'PI-OWNER-3' }, keys.owner));
    const before = (await pushedDfids()).length;
    const result = await gw.execute(
      `mutation($c: ID!) {
        a: pushItemToCircuit(input: { circuitId: $c, dfid: "PI-OWNER-2" }) { items { totalCount } }
        b: pushItemToCircuit(input: { circuitId: $c, dfid: "PI-OWNER-3" }) { items { totalCount } }
      }`,
      { c: circuitId },
      keys.owner,
    );
    expect(dataOf(result)).toEqual({ a: { items: { totalCount: before + 1 } }, b: { items: { totalCount: before + 2 } } });
  });
});
