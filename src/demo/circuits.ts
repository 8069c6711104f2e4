/**
 * Circuits: demo owns five, belongs to seven more in every role, and is in neither of the last
 * two, whose items (alice's and bob's) it must never see.
 */
import type { CircuitRole } from '../generated/prisma/client';
import { ALICE_VISIBLE, BOB_ITEMS, BOB_VISIBLE, dfidOf, type ItemSpec } from './items';
import { at, DAY, HOUR, need, Rng } from './rng';
import { DEMO_USERNAME, type Username } from './users';

export interface CircuitSpec {
  name: string;
  description: string;
  owner: Username;
  createdAt: Date;
  members: { user: Username; role: CircuitRole; joinedAt: Date }[];
  items: { dfid: string; pushedBy: Username; pushedAt: Date }[];
}

export function buildCircuits(items: ItemSpec[]): CircuitSpec[] {
  const rng = new Rng(0x5eed_0002);
  const itemCreated = new Map(items.map((i) => [i.dfid, i.createdAt.getTime()]));
  type Def = { name: string; description: string; owner: Username; members: [Username, CircuitRole][] };
  const withDemo: Def[] = [
    { name: 'Cold chain — EU dairy', description: 'Temperature-controlled dairy shipments across the EU.', owner: 'demo', members: [['alice', 'ADMIN'], ['bob', 'MEMBER'], ['carol', 'VIEWER']] },
    { name: 'Organic produce audit', description: 'Certified organic lots under the 2026 audit.', owner: 'demo', members: [['carol', 'MEMBER'], ['dave', 'MEMBER']] },
    { name: 'Coffee import lots', description: 'Green coffee from origin to roastery.', owner: 'demo', members: [['alice', 'MEMBER'], ['dave', 'VIEWER'], ['bob', 'MEMBER']] },
    { name: 'Wine provenance', description: 'Bottles traced from estate to retailer.', owner: 'demo', members: [['bob', 'ADMIN'], ['carol', 'MEMBER']] },
    { name: 'Returns & recalls', description: 'Items under return or recall review.', owner: 'demo', members: [['alice', 'MEMBER'], ['bob', 'VIEWER'], ['carol', 'MEMBER'], ['dave', 'MEMBER']] },
    { name: 'Alice supplier network', description: "Alice's direct suppliers.", owner: 'alice', members: [['demo', 'ADMIN'], ['bob', 'MEMBER']] },
    { name: 'Olive oil traceability', description: 'Mediterranean olive oil, press to shelf.', owner: 'alice', members: [['demo', 'MEMBER'], ['carol', 'MEMBER'], ['dave', 'VIEWER']] },
    { name: 'Alice QA reviews', description: 'Quality reviews shared read-only with partners.', owner: 'alice', members: [['demo', 'VIEWER'], ['dave', 'MEMBER']] },
    { name: 'Cheese ripening', description: 'Aged cheese lots and their cellar moves.', owner: 'alice', members: [['demo', 'MEMBER'], ['bob', 'ADMIN'], ['carol', 'VIEWER']] },
    { name: 'Bob logistics partners', description: 'Carriers and forwarders working with Bob.', owner: 'bob', members: [['demo', 'MEMBER'], ['alice', 'MEMBER']] },
    { name: 'Port of Rotterdam pilot', description: 'Container tracking pilot at the port.', owner: 'bob', members: [['demo', 'ADMIN'], ['carol', 'MEMBER'], ['dave', 'MEMBER']] },
    { name: 'Bob compliance', description: 'Compliance documents, read-only for partners.', owner: 'bob', members: [['demo', 'VIEWER'], ['alice', 'ADMIN']] },
  ];
  const withoutDemo: Def[] = [
    { name: 'Alice & Bob private deals', description: 'Not shared with anyone else.', owner: 'alice', members: [['bob', 'MEMBER']] },
    { name: 'Bob internal QA', description: 'Internal quality checks.', owner: 'bob', members: [['alice', 'ADMIN']] },
  ];
  const demoItems = items.filter((i) => i.owner === DEMO_USERNAME).map((i) => i.dfid);

  const circuits: CircuitSpec[] = [];
  [...withDemo, ...withoutDemo].forEach((def, idx) => {
    const createdAt = at(-25 * DAY + idx * 2 * DAY + rng.int(0, 23) * HOUR);
    const members: CircuitSpec['members'] = [{ user: def.owner, role: 'OWNER', joinedAt: createdAt }];
    def.members.forEach(([user, role], k) => members.push({ user, role, joinedAt: new Date(createdAt.getTime() + (k + 1) * HOUR) }));
    const roleOf = (u: Username) => members.find((m) => m.user === u)?.role;
    const canPush = (u: Username) => {
      const r = roleOf(u);
      return r !== undefined && r !== 'VIEWER';
    };

    const picks: { dfid: string; pushedBy: Username }[] = [];
    if (idx >= withDemo.length) {
      // alice+bob only: items demo must never see.
      const pool = idx === withDemo.length ? [69, 70, 76] : [76, 77, 70];
      for (const n of pool) {
        const dfid = dfidOf(n);
        const owner: Username = n >= BOB_ITEMS.first ? 'bob' : 'alice';
        picks.push({ dfid, pushedBy: owner });
      }
    } else if (!canPush(DEMO_USERNAME)) {
      // demo is a VIEWER: only the owner's own (demo-visible) items.
      const pool = def.owner === 'alice' ? ALICE_VISIBLE : BOB_VISIBLE;
      for (const dfid of pool) picks.push({ dfid, pushedBy: def.owner });
    } else {
      const demoCount = rng.int(3, 6);
      for (const dfid of rng.shuffle(demoItems).slice(0, demoCount)) picks.push({ dfid, pushedBy: DEMO_USERNAME });
      for (const [user, pool] of [
        ['alice', ALICE_VISIBLE],
        ['bob', BOB_VISIBLE],
      ] as const) {
        if (!canPush(user)) continue;
        for (const dfid of rng.shuffle(pool).slice(0, rng.int(1, 2))) picks.push({ dfid, pushedBy: user });
      }
    }
    if (picks.length < 3 || picks.length > 10) throw new Error(`seed: circuit ${def.name} has ${picks.length} items`);

    circuits.push({
      name: def.name,
      description: def.description,
      owner: def.owner,
      createdAt,
      members,
      items: picks.map((p) => {
        const base = Math.max(need(itemCreated, p.dfid, 'item'), createdAt.getTime() + 6 * HOUR);
        return { ...p, pushedAt: new Date(base + rng.int(1, 48) * HOUR) };
      }),
    });
  });
  return circuits;
}

