/**
 * The demo data set: what a fresh machine gets on first start (and what `npm run seed` inserts).
 *
 * Deterministic: every value comes from a seeded PRNG (mulberry32, one fixed seed per section)
 * and every timestamp is an offset from a fixed epoch (2026-01-05T00:00:00Z); no Date.now(),
 * no Math.random(). Database ids are whatever the sequences hand out.
 *
 * Idempotent and atomic: everything is inserted in one interactive transaction (using only the
 * `tx` client, as PGlite requires), after a transaction-scoped advisory lock and a re-check, so a
 * crash mid-seed rolls everything back and two processes seeding at once insert it only once.
 * A database that already holds the seed (the demo user owns items, or the first seed dfid
 * exists) is left alone and the call returns `skipped: true` with zero counts.
 *
 * Ledger model (the one the gateway's balance computation uses):
 *   quote asset = the part of the symbol after '-'; DEPOSIT +amount;
 *   each MARKET fill: FILL -(qty*price) and COMMISSION -(qty*price*0.001) in the quote asset;
 *   each close: FILL +(qty*entryPrice) and REALIZED_PNL +/-pnl;
 *   free balance = ledger sum - qty*price of NEW LIMIT orders.
 * The builder checks that no (account, asset) balance ever goes negative, in time order, and that
 * free balances stay non-negative once LIMIT orders lock their funds.
 */
import { createHash } from 'node:crypto';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import type {
  CircuitRole,
  LedgerKind,
  OrderSide,
  OrderStatus,
  OrderType,
  PositionSide,
  PositionStatus,
  SessionEndReason,
  SessionStatus,
  TradeAction,
} from '../generated/prisma/client';

export interface SeedSummary {
  users: number;
  items: number;
  circuits: number;
  sessions: number;
  trades: number;
  accounts: number;
  positions: number;
  orders: number;
  ledgerEntries: number;
  skipped: boolean;
}

export const DEMO_USERNAME = 'demo';
/** Every user the seed creates (demo first); none of them gets an API key here. */
export const SEED_USERNAMES = [DEMO_USERNAME, 'alice', 'bob', 'carol', 'dave'] as const;
type Username = (typeof SEED_USERNAMES)[number];

/** The first item the seed inserts; its presence means the database is already seeded. */
export const SEED_SENTINEL_DFID = 'DFID-0001';

const EPOCH = Date.UTC(2026, 0, 5); // 2026-01-05T00:00:00Z
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A timestamp `ms` after the epoch (negative: before it). */
const at = (ms: number): Date => new Date(EPOCH + ms);
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Arbitrary constant for pg_advisory_xact_lock: serialises concurrent seeds. */
const SEED_LOCK_KEY = 7_270_012_026;

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;
const ZERO = new Decimal(0);
const COMMISSION_RATE = new Decimal('0.001');

// ─── Deterministic randomness ────────────────────────────────────────────────

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return at0(items, Math.floor(this.next() * items.length));
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = at0(out, i);
      out[i] = at0(out, j);
      out[j] = tmp;
    }
    return out;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
}

/** Index into an array that must have the element (noUncheckedIndexedAccess-friendly). */
function at0<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`seed: index ${i} out of range (${items.length})`);
  return v;
}

function need<K, V>(map: Map<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new Error(`seed: no ${what} for ${String(key)}`);
  return v;
}

/** A decimal from a float, rounded to `dp` places (toFixed is exactly specified, so deterministic). */
const dec = (n: number, dp: number): Decimal => new Decimal(n.toFixed(dp));

// ─── Spec types (plain data with symbolic references, resolved to ids on insert) ────

interface IdentifierSpec {
  key: string;
  value: string;
}
interface ItemSpec {
  dfid: string;
  owner: Username;
  aliases: string[];
  fingerprint: string;
  confidenceScore: number;
  legacyMode: boolean;
  createdAt: Date;
  updatedAt: Date;
  identifiers: IdentifierSpec[];
  sources: { source: string; entryRef: string; receivedAt: Date }[];
  events: { type: string; occurredAt: Date; source: string; data: Prisma.InputJsonObject }[];
}
interface CircuitSpec {
  name: string;
  description: string;
  owner: Username;
  createdAt: Date;
  members: { user: Username; role: CircuitRole; joinedAt: Date }[];
  items: { dfid: string; pushedBy: Username; pushedAt: Date }[];
}
interface TradeSpec {
  tradeId: string;
  executedAt: Date;
  symbol: string;
  direction: 'BUY' | 'SELL';
  intensity: number;
  action: TradeAction;
  volume: Decimal;
  entryPrice: Decimal;
  exitPrice: Decimal | null;
  pnl: Decimal | null;
  pnlPips: Decimal | null;
  commission: Decimal;
  hmmState: number;
  isPaper: boolean;
  comment: string | null;
  positionKey: string | null;
}
interface SessionSpec {
  user: Username;
  sessionKey: string;
  status: SessionStatus;
  startedAt: Date;
  endedAt: Date | null;
  endReason: SessionEndReason | null;
  initialBalance: Decimal;
  currentBalance: Decimal;
  finalBalance: Decimal | null;
  lastHeartbeatAt: Date;
  symbols: string[];
  recovered: boolean;
  totalTrades: number;
  totalPnl: Decimal;
  trades: TradeSpec[];
  events: { type: string; occurredAt: Date; data: Prisma.InputJsonObject }[];
}
interface OrderSpec {
  accountKey: string;
  positionKey: string | null;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: Decimal;
  price: Decimal;
  status: OrderStatus;
  createdAt: Date;
  filledAt: Date | null;
  canceledAt: Date | null;
}
interface PositionSpec {
  key: string;
  accountKey: string;
  symbol: string;
  side: PositionSide;
  quantity: Decimal;
  entryPrice: Decimal;
  status: PositionStatus;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  openedAt: Date;
  closedAt: Date | null;
  exitPrice: Decimal | null;
  realizedPnl: Decimal | null;
}
interface LedgerSpec {
  accountKey: string;
  asset: string;
  amount: Decimal;
  kind: LedgerKind;
  orderClientId: string | null;
  positionKey: string | null;
  reference: string | null;
  createdAt: Date;
}
interface AccountSpec {
  key: string;
  user: Username;
  exchange: string;
  label: string;
  createdAt: Date;
}
interface DemoData {
  users: { username: Username; createdAt: Date }[];
  items: ItemSpec[];
  circuits: CircuitSpec[];
  sessions: SessionSpec[];
  accounts: AccountSpec[];
  positions: PositionSpec[];
  orders: OrderSpec[];
  ledger: LedgerSpec[];
}

// ─── Traceability ────────────────────────────────────────────────────────────

const DEMO_ITEM_COUNT = 64;
const ALICE_ITEMS = { first: 65, count: 8 }; // DFID-0065..0072
const BOB_ITEMS = { first: 73, count: 7 }; // DFID-0073..0079
const dfidOf = (n: number): string => `DFID-${String(n).padStart(4, '0')}`;

/** Other users' items demo can see (pushed to circuits demo belongs to). */
const ALICE_VISIBLE = [65, 66, 67, 68].map(dfidOf);
const BOB_VISIBLE = [73, 74, 75].map(dfidOf);
/** Other users' items demo cannot see: only in alice+bob circuits, or in none. */
const PRIVATE_CIRCUIT_ITEMS = [69, 70, 76, 77].map(dfidOf);

const SKU_FAMILIES = ['CHS', 'MLK', 'COF', 'WIN', 'OLV', 'APL', 'TEA', 'HNY'];
const SITES = ['Rotterdam DC', 'Hamburg Hub', 'Milan Plant', 'Lyon Warehouse', 'Porto Packing', 'Antwerp Port'];
const CARRIERS = ['DHL Freight', 'Maersk', 'DB Schenker', 'Kuehne+Nagel', 'DSV'];
const INSPECTORS = ['j.meyer', 'a.rossi', 'l.martin', 's.costa', 'k.nowak'];
const SOURCES = ['erp', 'scanner', 'partner-api', 'erp', 'manual-upload'] as const;
const EVENT_FLOW = ['CREATED', 'SHIPPED', 'RECEIVED', 'INSPECTED', 'SHIPPED', 'RECEIVED'];

function gtin13(rng: Rng): string {
  const body = (rng.chance(0.5) ? '40' : '80') + rng.digits(10);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

function identifierValue(rng: Rng, key: string, n: number): string {
  switch (key) {
    case 'sku':
      return `SKU-${rng.pick(SKU_FAMILIES)}-${rng.digits(4)}`;
    case 'gtin':
      return gtin13(rng);
    case 'lot':
      return `LOT-2025-${String(100 + n * 7 + rng.int(0, 6)).padStart(4, '0')}`;
    default:
      return `SN${rng.hex(10).toUpperCase()}`;
  }
}

function entryRefFor(rng: Rng, source: string): string {
  switch (source) {
    case 'erp':
      return `ERP-PO-2025-${rng.digits(5)}`;
    case 'scanner':
      return `SCAN-${rng.hex(8).toUpperCase()}`;
    case 'partner-api':
      return `req_${rng.hex(16)}`;
    default:
      return `upload-${rng.digits(6)}.csv`;
  }
}

/** Sets (or replaces) the item's identifier for `key`, keeping at most 3 identifiers. */
function forceIdentifier(item: ItemSpec, key: string, value: string): void {
  const rest = item.identifiers.filter((i) => i.key !== key);
  while (rest.length >= 3) rest.pop();
  rest.push({ key, value });
  item.identifiers = rest;
}

function identifierOf(item: ItemSpec, key: string): string {
  const found = item.identifiers.find((i) => i.key === key);
  if (!found) throw new Error(`seed: ${item.dfid} has no ${key}`);
  return found.value;
}

function buildItem(rng: Rng, n: number, owner: Username): ItemSpec {
  const dfid = dfidOf(n);
  const createdAt = at(-20 * DAY + n * 5 * HOUR + rng.int(0, 59) * MINUTE);
  const keyCount = rng.int(1, 3);
  const identifiers = rng
    .shuffle(['sku', 'gtin', 'lot', 'serial'])
    .slice(0, keyCount)
    .map((key) => ({ key, value: identifierValue(rng, key, n) }));
  const legacyMode = n % 11 === 4;
  const aliases: string[] = [];
  const aliasCount = legacyMode ? Math.max(1, rng.int(0, 2)) : rng.int(0, 2);
  if (legacyMode) aliases.push(`legacy:${rng.hex(6)}`);
  while (aliases.length < aliasCount) aliases.push(`PO-${rng.digits(5)}-${rng.int(1, 9)}`);
  const confidenceScore = Number((legacyMode ? 0.2 + rng.float() * 0.4 : 0.55 + rng.float() * 0.45).toFixed(3));

  const source = at0(SOURCES, n % SOURCES.length);
  const sources = [{ source, entryRef: entryRefFor(rng, source), receivedAt: createdAt }];
  if (n % 10 === 7) {
    sources.push({ source: 'scanner', entryRef: entryRefFor(rng, 'scanner'), receivedAt: new Date(createdAt.getTime() + 3 * DAY) });
  }

  const events: ItemSpec['events'] = [];
  const eventCount = rng.int(3, 6);
  let t = createdAt.getTime();
  let site = rng.pick(SITES);
  for (let e = 0; e < eventCount; e++) {
    const type = at0(EVENT_FLOW, e);
    let data: Prisma.InputJsonObject;
    let evSource: string;
    switch (type) {
      case 'CREATED':
        evSource = source;
        data = { site, batchSize: rng.int(10, 500), unit: rng.pick(['kg', 'pcs', 'l']) };
        break;
      case 'SHIPPED': {
        const to = rng.pick(SITES.filter((s) => s !== site));
        evSource = 'erp';
        data = { from: site, to, carrier: rng.pick(CARRIERS), tracking: `TRK${rng.digits(9)}` };
        site = to;
        break;
      }
      case 'RECEIVED':
        evSource = 'scanner';
        data = { location: site, condition: rng.chance(0.9) ? 'OK' : 'DAMAGED_PACKAGING', dock: `D${rng.int(1, 12)}` };
        break;
      default:
        evSource = 'qa-app';
        data = {
          inspector: rng.pick(INSPECTORS),
          result: rng.chance(0.85) ? 'PASS' : 'FAIL',
          temperatureC: Number((2 + rng.float() * 6).toFixed(1)),
        };
    }
    events.push({ type, occurredAt: new Date(t), source: evSource, data });
    t += rng.int(2, 30) * HOUR + rng.int(0, 59) * MINUTE;
  }
  const lastEvent = at0(events, events.length - 1);

  return {
    dfid,
    owner,
    aliases,
    fingerprint: '',
    confidenceScore,
    legacyMode,
    createdAt,
    updatedAt: lastEvent.occurredAt,
    identifiers,
    sources,
    events,
  };
}

function buildItems(): ItemSpec[] {
  const rng = new Rng(0x5eed_0001);
  const items: ItemSpec[] = [];
  for (let n = 1; n <= DEMO_ITEM_COUNT; n++) items.push(buildItem(rng, n, DEMO_USERNAME));
  for (let k = 0; k < ALICE_ITEMS.count; k++) items.push(buildItem(rng, ALICE_ITEMS.first + k, 'alice'));
  for (let k = 0; k < BOB_ITEMS.count; k++) items.push(buildItem(rng, BOB_ITEMS.first + k, 'bob'));
  const byDfid = new Map(items.map((i) => [i.dfid, i]));
  const item = (n: number) => need(byDfid, dfidOf(n), 'item');

  // (key, value) pairs shared by exactly two items, so identifier lookups can return several.
  // Same product (gtin) in consecutive demo items:
  for (let n = 2; n < DEMO_ITEM_COUNT; n += 8) {
    const a = item(n);
    if (!a.identifiers.some((i) => i.key === 'gtin')) forceIdentifier(a, 'gtin', gtin13(rng));
    forceIdentifier(item(n + 1), 'gtin', identifierOf(a, 'gtin'));
  }
  // Same production lot:
  for (const [a, b] of [
    [20, 21],
    [45, 46],
  ] as const) {
    if (!item(a).identifiers.some((i) => i.key === 'lot')) forceIdentifier(item(a), 'lot', `LOT-2025-${9000 + a}`);
    forceIdentifier(item(b), 'lot', identifierOf(item(a), 'lot'));
  }
  // Across users: a demo item and an alice item demo can see (both results visible to demo)...
  forceIdentifier(item(30), 'sku', 'SKU-OLV-7731');
  forceIdentifier(item(65), 'sku', 'SKU-OLV-7731');
  // ...and a demo item and a bob item demo cannot see (demo's lookup must return only its own).
  forceIdentifier(item(12), 'lot', 'LOT-2025-4412');
  forceIdentifier(item(78), 'lot', 'LOT-2025-4412');

  for (const it of items) {
    const canonical = it.identifiers
      .map((i) => `${i.key}=${i.value}`)
      .sort()
      .join('|');
    it.fingerprint = createHash('sha256').update(`${it.dfid}|${canonical}`).digest('hex');
  }
  return items;
}

function buildCircuits(items: ItemSpec[]): CircuitSpec[] {
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

// ─── Trading ─────────────────────────────────────────────────────────────────

interface SymbolInfo {
  price: number;
  dp: number;
  pip: string;
  crypto: boolean;
  /** forex: account-currency value of one pip for one lot. */
  pipValue?: number;
  /** crypto: quantity range and decimals. */
  qty?: [number, number, number];
}
const SYMBOLS: Record<string, SymbolInfo> = {
  EURUSD: { price: 1.0852, dp: 5, pip: '0.0001', crypto: false, pipValue: 10 },
  GBPUSD: { price: 1.2714, dp: 5, pip: '0.0001', crypto: false, pipValue: 10 },
  EURGBP: { price: 0.8536, dp: 5, pip: '0.0001', crypto: false, pipValue: 12.7 },
  USDJPY: { price: 148.62, dp: 3, pip: '0.01', crypto: false, pipValue: 6.7 },
  XAUUSD: { price: 2651.4, dp: 2, pip: '0.1', crypto: false, pipValue: 10 },
  'BTC-USDT': { price: 94250, dp: 2, pip: '1', crypto: true, qty: [0.01, 0.25, 3] },
  'ETH-USDT': { price: 3310, dp: 2, pip: '0.1', crypto: true, qty: [0.2, 4, 2] },
  'SOL-USDT': { price: 191.5, dp: 2, pip: '0.01', crypto: true, qty: [2, 60, 1] },
};
const symbolInfo = (s: string): SymbolInfo => {
  const info = SYMBOLS[s];
  if (!info) throw new Error(`seed: unknown symbol ${s}`);
  return info;
};
const quoteAsset = (symbol: string): string => {
  const quote = symbol.split('-')[1];
  if (!quote) throw new Error(`seed: ${symbol} has no quote asset`);
  return quote;
};

const TRADE_COMMENTS = ['news filter: NFP', 'manual override', 'trailing stop hit', 'partial fill', 'spread widened', 'regime change'];

interface SessionDef {
  user: Username;
  day: number;
  tag: string;
  symbols: string[];
  status: SessionStatus;
  endReason?: SessionEndReason;
  paper: boolean | 'mixed';
  recovered?: boolean;
  /** Turns some of this session's trade pairs into positions of `account`. */
  link?: { account: string; every: number; offset: number };
}

const SESSION_DEFS: SessionDef[] = [
  { user: 'demo', day: 0, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: false },
  { user: 'demo', day: 0, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:main', every: 3, offset: 0 } },
  { user: 'demo', day: 1, tag: 'eurusd', symbols: ['EURUSD', 'GBPUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: false },
  { user: 'demo', day: 2, tag: 'xauusd', symbols: ['XAUUSD'], status: 'STOPPED', endReason: 'EMERGENCY', paper: true },
  { user: 'demo', day: 3, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: false, recovered: true },
  { user: 'demo', day: 4, tag: 'usdjpy', symbols: ['USDJPY'], status: 'STOPPED', endReason: 'MANUAL', paper: true },
  { user: 'demo', day: 5, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:scalping', every: 2, offset: 0 } },
  { user: 'demo', day: 7, tag: 'gbpusd', symbols: ['GBPUSD', 'EURGBP'], status: 'STOPPED', endReason: 'RECOVERED', paper: false },
  { user: 'demo', day: 8, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'UNKNOWN', paper: false },
  { user: 'demo', day: 9, tag: 'xauusd', symbols: ['XAUUSD', 'EURUSD'], status: 'STOPPED', endReason: 'DAY_CHANGE', paper: true },
  { user: 'demo', day: 10, tag: 'crypto', symbols: ['SOL-USDT', 'ETH-USDT'], status: 'STOPPED', endReason: 'NORMAL', paper: true, link: { account: 'demo:paper:main', every: 4, offset: 1 } },
  { user: 'demo', day: 11, tag: 'usdjpy', symbols: ['USDJPY', 'EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: 'mixed' },
  { user: 'demo', day: 13, tag: 'eurusd', symbols: ['EURUSD', 'GBPUSD'], status: 'RUNNING', paper: false },
  { user: 'demo', day: 13, tag: 'crypto', symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'], status: 'RUNNING', paper: true, link: { account: 'demo:paper:main', every: 5, offset: 2 } },
  { user: 'alice', day: 1, tag: 'eurusd', symbols: ['EURUSD'], status: 'STOPPED', endReason: 'NORMAL', paper: false },
  { user: 'alice', day: 13, tag: 'gbpusd', symbols: ['GBPUSD'], status: 'RUNNING', paper: true },
];

interface TradingState {
  rng: Rng;
  mids: Map<string, number>;
  tradeSeq: Map<Username, number>;
  positionSeq: Map<string, number>;
  positions: PositionSpec[];
}

function nextTradeId(state: TradingState, user: Username): string {
  const n = (state.tradeSeq.get(user) ?? 100) + 1;
  state.tradeSeq.set(user, n);
  return `T-${String(n).padStart(6, '0')}`;
}

function nextPositionKey(state: TradingState, accountKey: string): string {
  const n = (state.positionSeq.get(accountKey) ?? 0) + 1;
  state.positionSeq.set(accountKey, n);
  return `${accountKey}#${n}`;
}

/** Moves the symbol's mid price a little and returns it. */
function walk(state: TradingState, symbol: string): number {
  const info = symbolInfo(symbol);
  const mid = (state.mids.get(symbol) ?? info.price) * (1 + (state.rng.float() - 0.5) * 0.004);
  state.mids.set(symbol, mid);
  return mid;
}

function buildSession(state: TradingState, def: SessionDef): SessionSpec {
  const { rng } = state;
  const day = at(def.day * DAY);
  const startedAt = new Date(day.getTime() + (def.tag === 'crypto' ? 1 : 6) * HOUR + rng.int(0, 50) * MINUTE);
  const running = def.status === 'RUNNING';
  let count = rng.int(20, 28);
  if (running ? count % 2 === 0 : count % 2 === 1) count++; // STOPPED: all pairs closed; RUNNING: last OPEN pending
  const initialBalance = new Decimal(def.tag === 'crypto' ? '5000' : '10000');
  const trades: TradeSpec[] = [];
  let t = startedAt.getTime() + rng.int(2, 10) * MINUTE;

  for (let pair = 0; trades.length < count; pair++) {
    const symbol = rng.pick(def.symbols);
    const info = symbolInfo(symbol);
    const direction = rng.chance(0.5) ? 'BUY' : 'SELL';
    const sign = direction === 'BUY' ? 1 : -1;
    const pip = new Decimal(info.pip);
    const entryPrice = dec(walk(state, symbol) * (1 + (rng.float() - 0.5) * 0.001), info.dp);
    let volume: Decimal;
    let exitPrice: Decimal;
    if (info.qty) {
      const [lo, hi, qdp] = info.qty;
      volume = dec(lo + rng.float() * (hi - lo), qdp);
      exitPrice = dec(entryPrice.toNumber() * (1 + sign * (rng.float() * 0.03 - 0.012)), info.dp);
    } else {
      volume = dec(0.05 + rng.float() * 1.45, 2);
      let pips = rng.int(-30, 40);
      if (pips === 0) pips = 5;
      exitPrice = entryPrice.plus(pip.times(pips * sign));
    }
    if (exitPrice.eq(entryPrice)) exitPrice = exitPrice.plus(pip.times(sign));
    const diff = exitPrice.minus(entryPrice).times(sign);
    const pnlPips = diff.div(pip);
    const pnl = info.crypto ? diff.times(volume) : pnlPips.times(info.pipValue ?? 10).times(volume).toDecimalPlaces(2);
    const openCommission = info.crypto ? volume.times(entryPrice).times(COMMISSION_RATE) : volume.times('3.5').toDecimalPlaces(2);
    const closeCommission = info.crypto ? ZERO : openCommission;
    const isPaper = def.paper === 'mixed' ? pair % 3 === 0 : def.paper;
    const hmmState = rng.int(0, 3);
    const closes = trades.length + 1 < count;
    // The running session's last, still open trade always becomes an open position.
    const linked = def.link !== undefined && (pair % def.link.every === def.link.offset || !closes);
    const positionKey = linked && def.link ? nextPositionKey(state, def.link.account) : null;

    const openAt = new Date(t);
    trades.push({
      tradeId: nextTradeId(state, def.user),
      executedAt: openAt,
      symbol,
      direction,
      intensity: Number(rng.float().toFixed(3)),
      action: 'OPEN',
      volume,
      entryPrice,
      exitPrice: null,
      pnl: null,
      pnlPips: null,
      commission: openCommission,
      hmmState,
      isPaper,
      comment: rng.chance(0.12) ? rng.pick(TRADE_COMMENTS) : null,
      positionKey,
    });
    t += rng.int(5, 45) * MINUTE;
    let closeAt: Date | null = null;
    if (closes) {
      closeAt = new Date(t);
      trades.push({
        tradeId: nextTradeId(state, def.user),
        executedAt: closeAt,
        symbol,
        direction,
        intensity: Number(rng.float().toFixed(3)),
        action: 'CLOSE',
        volume,
        entryPrice,
        exitPrice,
        pnl,
        pnlPips,
        commission: closeCommission,
        hmmState: rng.chance(0.7) ? hmmState : rng.int(0, 3),
        isPaper,
        comment: rng.chance(0.1) ? rng.pick(TRADE_COMMENTS) : null,
        positionKey,
      });
      t += rng.int(3, 20) * MINUTE;
    }
    if (positionKey && def.link) {
      const side: PositionSide = direction === 'BUY' ? 'LONG' : 'SHORT';
      // Protection a few percent away from entry (the exit of a closed one always lies inside it).
      const protect = !closes || pair % 2 === 0;
      state.positions.push({
        key: positionKey,
        accountKey: def.link.account,
        symbol,
        side,
        quantity: volume,
        entryPrice,
        status: closes ? 'CLOSED' : 'OPEN',
        stopLoss: protect ? dec(entryPrice.toNumber() * (1 - sign * 0.02), info.dp) : null,
        takeProfit: protect ? dec(entryPrice.toNumber() * (1 + sign * 0.03), info.dp) : null,
        openedAt: openAt,
        closedAt: closeAt,
        exitPrice: closes ? exitPrice : null,
        realizedPnl: closes ? pnl : null,
      });
    }
  }

  const last = at0(trades, trades.length - 1).executedAt.getTime();
  const totalPnl = trades.reduce((sum, tr) => (tr.pnl ? sum.plus(tr.pnl) : sum), ZERO);
  const totalCommission = trades.reduce((sum, tr) => sum.plus(tr.commission), ZERO);
  const currentBalance = initialBalance.plus(totalPnl).minus(totalCommission).toDecimalPlaces(2);
  const endedAt = running
    ? null
    : def.endReason === 'DAY_CHANGE'
      ? at((def.day + 1) * DAY)
      : new Date(last + rng.int(5, 40) * MINUTE);
  const lastHeartbeatAt = running
    ? new Date(last + 2 * MINUTE)
    : def.endReason === 'UNKNOWN'
      ? new Date(last + MINUTE)
      : new Date((endedAt ?? day).getTime() - 30_000);

  const events: SessionSpec['events'] = [
    {
      type: 'SESSION_STARTED',
      occurredAt: startedAt,
      data: { initialBalance: initialBalance.toFixed(2), symbols: def.symbols, mode: def.paper === true ? 'paper' : def.paper ? 'mixed' : 'live', botVersion: '2.3.1' },
    },
  ];
  const mid = (a: number, b: number) => new Date(Math.round((a + b) / 2 / MINUTE) * MINUTE);
  if (def.recovered) {
    events.push({
      type: 'SESSION_RECOVERED',
      occurredAt: mid(startedAt.getTime(), last),
      data: { reason: 'process restarted', downtimeSeconds: rng.int(20, 300), openTrades: 1 },
    });
  }
  if (def.endReason === 'EMERGENCY') {
    events.push({
      type: 'RISK_LIMIT',
      occurredAt: new Date(last + MINUTE),
      data: { limit: 'MAX_DAILY_DRAWDOWN', thresholdPct: 3, drawdownPct: Number((3 + rng.float()).toFixed(2)), action: 'STOP' },
    });
  } else if (rng.chance(0.35)) {
    events.push({
      type: 'RISK_LIMIT',
      occurredAt: mid(startedAt.getTime(), last),
      data: { limit: 'MAX_OPEN_EXPOSURE', thresholdPct: 50, exposurePct: rng.int(50, 65), action: 'REDUCE' },
    });
  }
  if (def.endReason === 'UNKNOWN' || running || rng.chance(0.25)) {
    events.push({
      type: 'HEARTBEAT_MISSED',
      occurredAt: running ? new Date(last + 90 * 1000) : new Date(last + 3 * MINUTE),
      data: { missed: rng.int(1, 4), intervalSeconds: 30 },
    });
  }
  if (!running && endedAt) {
    events.push({
      type: 'SESSION_ENDED',
      occurredAt: endedAt,
      data: { reason: def.endReason ?? 'UNKNOWN', finalBalance: currentBalance.toFixed(2), totalTrades: trades.length, totalPnl: totalPnl.toFixed(2) },
    });
  }
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());

  return {
    user: def.user,
    sessionKey: `bot-${def.tag}-${isoDay(day)}`,
    status: def.status,
    startedAt,
    endedAt,
    endReason: running ? null : (def.endReason ?? 'UNKNOWN'),
    initialBalance,
    currentBalance,
    finalBalance: running ? null : currentBalance,
    lastHeartbeatAt,
    symbols: def.symbols,
    recovered: def.recovered ?? false,
    totalTrades: trades.length,
    totalPnl,
    trades,
    events,
  };
}

// ─── Paper exchange ──────────────────────────────────────────────────────────

const ACCOUNTS: AccountSpec[] = [
  { key: 'demo:paper:main', user: 'demo', exchange: 'paper', label: 'main', createdAt: at(-DAY) },
  { key: 'demo:paper:scalping', user: 'demo', exchange: 'paper', label: 'scalping', createdAt: at(-DAY + HOUR) },
  { key: 'demo:binance-testnet:testnet', user: 'demo', exchange: 'binance-testnet', label: 'testnet', createdAt: at(-DAY + 2 * HOUR) },
  { key: 'alice:paper:main', user: 'alice', exchange: 'paper', label: 'main', createdAt: at(-DAY + 3 * HOUR) },
];

const DEPOSITS: { accountKey: string; asset: string; amount: string; createdAt: Date }[] = [
  { accountKey: 'demo:paper:main', asset: 'USDT', amount: '250000', createdAt: at(-DAY + 5 * MINUTE) },
  { accountKey: 'demo:paper:main', asset: 'USD', amount: '25000', createdAt: at(-DAY + 10 * MINUTE) },
  { accountKey: 'demo:paper:main', asset: 'USDT', amount: '50000', createdAt: at(7 * DAY + 9 * HOUR) },
  { accountKey: 'demo:paper:scalping', asset: 'USDT', amount: '100000', createdAt: at(-DAY + HOUR + 5 * MINUTE) },
  { accountKey: 'demo:binance-testnet:testnet', asset: 'USDT', amount: '50000', createdAt: at(-DAY + 2 * HOUR + 5 * MINUTE) },
  { accountKey: 'alice:paper:main', asset: 'USDT', amount: '20000', createdAt: at(-DAY + 3 * HOUR + 5 * MINUTE) },
];

/** Positions not tied to any bot trade (opened by hand). */
const MANUAL_POSITIONS: {
  accountKey: string;
  symbol: string;
  side: PositionSide;
  quantity: string;
  entryPrice: string;
  openedAt: Date;
  close?: { exitPrice: string; closedAt: Date };
  protection: 'both' | 'sl' | 'tp' | 'none';
}[] = [
  { accountKey: 'demo:paper:main', symbol: 'ETH-USDT', side: 'LONG', quantity: '2.5', entryPrice: '3288.40', openedAt: at(12 * DAY + 15 * HOUR + 12 * MINUTE), protection: 'sl' },
  { accountKey: 'demo:paper:main', symbol: 'SOL-USDT', side: 'SHORT', quantity: '40', entryPrice: '196.85', openedAt: at(12 * DAY + 16 * HOUR + 3 * MINUTE), protection: 'both' },
  { accountKey: 'demo:paper:scalping', symbol: 'BTC-USDT', side: 'SHORT', quantity: '0.08', entryPrice: '95120.50', openedAt: at(12 * DAY + 9 * HOUR + 41 * MINUTE), protection: 'none' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'BTC-USDT', side: 'LONG', quantity: '0.15', entryPrice: '93410.00', openedAt: at(2 * DAY + 10 * HOUR), close: { exitPrice: '94780.25', closedAt: at(3 * DAY + 14 * HOUR + 20 * MINUTE) }, protection: 'both' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'ETH-USDT', side: 'SHORT', quantity: '3', entryPrice: '3350.10', openedAt: at(4 * DAY + 8 * HOUR + 30 * MINUTE), close: { exitPrice: '3391.75', closedAt: at(4 * DAY + 19 * HOUR + 5 * MINUTE) }, protection: 'sl' },
  { accountKey: 'demo:binance-testnet:testnet', symbol: 'SOL-USDT', side: 'LONG', quantity: '25', entryPrice: '188.40', openedAt: at(11 * DAY + 13 * HOUR), protection: 'tp' },
  { accountKey: 'alice:paper:main', symbol: 'SOL-USDT', side: 'LONG', quantity: '30', entryPrice: '190.20', openedAt: at(6 * DAY + 11 * HOUR + 30 * MINUTE), protection: 'tp' },
];

/** NEW LIMIT orders without a position: they lock qty*price of the quote asset. */
const LIMIT_ORDERS: { accountKey: string; symbol: string; side: OrderSide; quantity: string; price: string; createdAt: Date }[] = [
  { accountKey: 'demo:paper:main', symbol: 'BTC-USDT', side: 'BUY', quantity: '0.05', price: '88500.00', createdAt: at(13 * DAY + 8 * HOUR) },
  { accountKey: 'demo:paper:scalping', symbol: 'ETH-USDT', side: 'SELL', quantity: '1.5', price: '3650.00', createdAt: at(13 * DAY + 9 * HOUR + 30 * MINUTE) },
];

function buildExchange(state: TradingState): { positions: PositionSpec[]; orders: OrderSpec[]; ledger: LedgerSpec[] } {
  for (const m of MANUAL_POSITIONS) {
    const info = symbolInfo(m.symbol);
    const entryPrice = new Decimal(m.entryPrice);
    const quantity = new Decimal(m.quantity);
    const sign = m.side === 'LONG' ? 1 : -1;
    const sl = m.protection === 'both' || m.protection === 'sl' ? dec(entryPrice.toNumber() * (1 - sign * 0.025), info.dp) : null;
    const tp = m.protection === 'both' || m.protection === 'tp' ? dec(entryPrice.toNumber() * (1 + sign * 0.04), info.dp) : null;
    const exitPrice = m.close ? new Decimal(m.close.exitPrice) : null;
    state.positions.push({
      key: nextPositionKey(state, m.accountKey),
      accountKey: m.accountKey,
      symbol: m.symbol,
      side: m.side,
      quantity,
      entryPrice,
      status: m.close ? 'CLOSED' : 'OPEN',
      stopLoss: sl,
      takeProfit: tp,
      openedAt: m.openedAt,
      closedAt: m.close?.closedAt ?? null,
      exitPrice,
      realizedPnl: exitPrice ? exitPrice.minus(entryPrice).times(quantity).times(sign) : null,
    });
  }

  const positions = state.positions.slice().sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const orders: OrderSpec[] = [];
  const ledger: LedgerSpec[] = [];
  const orderSeq = new Map<string, number>();
  const clientId = (accountKey: string): string => {
    const n = (orderSeq.get(accountKey) ?? 0) + 1;
    orderSeq.set(accountKey, n);
    return `seed-${accountKey.split(':').slice(1).join('-')}-${String(n).padStart(4, '0')}`;
  };

  DEPOSITS.forEach((d, i) =>
    ledger.push({
      accountKey: d.accountKey,
      asset: d.asset,
      amount: new Decimal(d.amount),
      kind: 'DEPOSIT',
      orderClientId: null,
      positionKey: null,
      reference: `seed-deposit-${i + 1}`,
      createdAt: d.createdAt,
    }),
  );

  for (const p of positions) {
    const quote = quoteAsset(p.symbol);
    const closed = p.status === 'CLOSED';
    const openSide: OrderSide = p.side === 'LONG' ? 'BUY' : 'SELL';
    const exitSide: OrderSide = p.side === 'LONG' ? 'SELL' : 'BUY';
    const open: OrderSpec = {
      accountKey: p.accountKey,
      positionKey: p.key,
      clientOrderId: clientId(p.accountKey),
      symbol: p.symbol,
      side: openSide,
      type: 'MARKET',
      quantity: p.quantity,
      price: p.entryPrice,
      status: 'FILLED',
      createdAt: p.openedAt,
      filledAt: p.openedAt,
      canceledAt: null,
    };
    orders.push(open);
    const protectiveAt = new Date(p.openedAt.getTime() + 1000);
    for (const [type, price] of [
      ['STOP_LOSS', p.stopLoss],
      ['TAKE_PROFIT', p.takeProfit],
    ] as const) {
      if (!price) continue;
      orders.push({
        accountKey: p.accountKey,
        positionKey: p.key,
        clientOrderId: clientId(p.accountKey),
        symbol: p.symbol,
        side: exitSide,
        type,
        quantity: p.quantity,
        price,
        status: closed ? 'CANCELED' : 'NEW',
        createdAt: protectiveAt,
        filledAt: null,
        canceledAt: closed ? p.closedAt : null,
      });
    }
    const notional = p.quantity.times(p.entryPrice);
    const refs = { accountKey: p.accountKey, asset: quote, positionKey: p.key, reference: null };
    ledger.push({ ...refs, amount: notional.neg(), kind: 'FILL', orderClientId: open.clientOrderId, createdAt: p.openedAt });
    ledger.push({ ...refs, amount: notional.times(COMMISSION_RATE).neg(), kind: 'COMMISSION', orderClientId: open.clientOrderId, createdAt: p.openedAt });
    if (closed && p.closedAt && p.realizedPnl) {
      ledger.push({ ...refs, amount: notional, kind: 'FILL', orderClientId: null, createdAt: p.closedAt });
      ledger.push({ ...refs, amount: p.realizedPnl, kind: 'REALIZED_PNL', orderClientId: null, createdAt: p.closedAt });
    }
  }

  for (const l of LIMIT_ORDERS) {
    orders.push({
      accountKey: l.accountKey,
      positionKey: null,
      clientOrderId: clientId(l.accountKey),
      symbol: l.symbol,
      side: l.side,
      type: 'LIMIT',
      quantity: new Decimal(l.quantity),
      price: new Decimal(l.price),
      status: 'NEW',
      createdAt: l.createdAt,
      filledAt: null,
      canceledAt: null,
    });
  }

  checkBalances(ledger, orders);
  return { positions, orders, ledger };
}

/** Throws if any (account, asset) balance goes negative at any point, or free balance ends negative. */
function checkBalances(ledger: LedgerSpec[], orders: OrderSpec[]): void {
  const sorted = ledger.map((e, i) => ({ e, i })).sort((a, b) => a.e.createdAt.getTime() - b.e.createdAt.getTime() || a.i - b.i);
  const balances = new Map<string, Decimal>();
  for (const { e } of sorted) {
    const k = `${e.accountKey}|${e.asset}`;
    const next = (balances.get(k) ?? ZERO).plus(e.amount);
    if (next.isNegative()) throw new Error(`seed: balance ${k} would go negative (${next.toFixed()}) at ${e.createdAt.toISOString()}`);
    balances.set(k, next);
  }
  for (const o of orders) {
    if (o.type !== 'LIMIT' || o.status !== 'NEW') continue;
    const k = `${o.accountKey}|${quoteAsset(o.symbol)}`;
    const free = (balances.get(k) ?? ZERO).minus(o.quantity.times(o.price));
    if (free.isNegative()) throw new Error(`seed: free balance ${k} would be negative`);
    balances.set(k, free);
  }
}

function buildTrading(): { sessions: SessionSpec[]; positions: PositionSpec[]; orders: OrderSpec[]; ledger: LedgerSpec[] } {
  const state: TradingState = { rng: new Rng(0x5eed_0003), mids: new Map(), tradeSeq: new Map(), positionSeq: new Map(), positions: [] };
  const sessions = SESSION_DEFS.map((def) => buildSession(state, def));
  return { sessions, ...buildExchange(state) };
}

/** The whole data set as plain values (pure and deterministic). */
function buildDemoData(): DemoData {
  const items = buildItems();
  const circuits = buildCircuits(items);
  const trading = buildTrading();
  return {
    users: SEED_USERNAMES.map((username, i) => ({ username, createdAt: at(-30 * DAY + i * HOUR) })),
    items,
    circuits,
    accounts: ACCOUNTS,
    ...trading,
  };
}

// ─── Insertion ───────────────────────────────────────────────────────────────

const SKIPPED: SeedSummary = {
  users: 0,
  items: 0,
  circuits: 0,
  sessions: 0,
  trades: 0,
  accounts: 0,
  positions: 0,
  orders: 0,
  ledgerEntries: 0,
  skipped: true,
};

type Db = PrismaClient | Prisma.TransactionClient;

/** True once the seed (or the demo user's own data) is present. */
async function alreadySeeded(db: Db): Promise<boolean> {
  const found = await db.item.findFirst({
    where: { OR: [{ dfid: SEED_SENTINEL_DFID }, { owner: { username: DEMO_USERNAME } }] },
    select: { id: true },
  });
  return found !== null;
}

const positionMapKey = (accountId: number, symbol: string, openedAt: Date): string => `${accountId}|${symbol}|${openedAt.toISOString()}`;

async function insertAll(tx: Prisma.TransactionClient, data: DemoData, log: (msg: string) => void): Promise<SeedSummary> {
  // Users: keep any that already exist (e.g. created by `npm run apikey -- demo`).
  const usersInserted = await tx.user.createMany({ data: data.users, skipDuplicates: true });
  const userRows = await tx.user.findMany({ where: { username: { in: data.users.map((u) => u.username) } }, select: { id: true, username: true } });
  const userId = new Map(userRows.map((u) => [u.username, u.id]));
  const uid = (u: Username) => need(userId, u, 'user');

  // Items and what hangs off them.
  const itemRows = await tx.item.createManyAndReturn({
    data: data.items.map((i) => ({
      dfid: i.dfid,
      ownerId: uid(i.owner),
      aliases: i.aliases,
      fingerprint: i.fingerprint,
      confidenceScore: i.confidenceScore,
      legacyMode: i.legacyMode,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    })),
    select: { id: true, dfid: true },
  });
  const itemId = new Map(itemRows.map((r) => [r.dfid, r.id]));
  const iid = (dfid: string) => need(itemId, dfid, 'item');
  await tx.itemIdentifier.createMany({ data: data.items.flatMap((i) => i.identifiers.map((x) => ({ itemId: iid(i.dfid), key: x.key, value: x.value }))) });
  await tx.itemSource.createMany({ data: data.items.flatMap((i) => i.sources.map((s) => ({ itemId: iid(i.dfid), userId: uid(i.owner), ...s }))) });
  const itemEvents = await tx.itemEvent.createMany({ data: data.items.flatMap((i) => i.events.map((e) => ({ itemId: iid(i.dfid), ...e }))) });
  log(`seed: ${itemRows.length} items, ${itemEvents.count} item events`);

  // Circuits (names are unique within the seed, so they key the returned ids).
  const circuitRows = await tx.circuit.createManyAndReturn({
    data: data.circuits.map((c) => ({ name: c.name, description: c.description, ownerId: uid(c.owner), createdAt: c.createdAt })),
    select: { id: true, name: true },
  });
  const circuitId = new Map(circuitRows.map((r) => [r.name, r.id]));
  const cid = (name: string) => need(circuitId, name, 'circuit');
  await tx.circuitMember.createMany({ data: data.circuits.flatMap((c) => c.members.map((m) => ({ circuitId: cid(c.name), userId: uid(m.user), role: m.role, joinedAt: m.joinedAt }))) });
  const circuitItems = await tx.circuitItem.createMany({
    data: data.circuits.flatMap((c) => c.items.map((x) => ({ circuitId: cid(c.name), itemId: iid(x.dfid), pushedById: uid(x.pushedBy), pushedAt: x.pushedAt }))),
  });
  log(`seed: ${circuitRows.length} circuits, ${circuitItems.count} pushed items`);

  // Exchange accounts, positions, orders.
  const accountRows = await tx.exchangeAccount.createManyAndReturn({
    data: data.accounts.map((a) => ({ userId: uid(a.user), exchange: a.exchange, label: a.label, createdAt: a.createdAt })),
    select: { id: true, userId: true, exchange: true, label: true },
  });
  const accountId = new Map<string, number>();
  for (const a of data.accounts) {
    const row = accountRows.find((r) => r.userId === uid(a.user) && r.exchange === a.exchange && r.label === a.label);
    if (!row) throw new Error(`seed: account ${a.key} not returned`);
    accountId.set(a.key, row.id);
  }
  const aid = (key: string) => need(accountId, key, 'account');

  const positionRows = await tx.position.createManyAndReturn({
    data: data.positions.map((p) => ({
      accountId: aid(p.accountKey),
      symbol: p.symbol,
      side: p.side,
      quantity: p.quantity,
      entryPrice: p.entryPrice,
      status: p.status,
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      openedAt: p.openedAt,
      closedAt: p.closedAt,
      exitPrice: p.exitPrice,
      realizedPnl: p.realizedPnl,
    })),
    select: { id: true, accountId: true, symbol: true, openedAt: true },
  });
  const rowByNaturalKey = new Map(positionRows.map((r) => [positionMapKey(r.accountId, r.symbol, r.openedAt), r.id]));
  if (rowByNaturalKey.size !== data.positions.length) throw new Error('seed: positions are not unique by (account, symbol, openedAt)');
  const positionId = new Map<string, number>();
  for (const p of data.positions) positionId.set(p.key, need(rowByNaturalKey, positionMapKey(aid(p.accountKey), p.symbol, p.openedAt), 'position'));
  const pid = (key: string) => need(positionId, key, 'position');

  const orderRows = await tx.order.createManyAndReturn({
    data: data.orders.map((o) => ({
      accountId: aid(o.accountKey),
      positionId: o.positionKey ? pid(o.positionKey) : null,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      price: o.price,
      status: o.status,
      createdAt: o.createdAt,
      filledAt: o.filledAt,
      canceledAt: o.canceledAt,
    })),
    select: { id: true, accountId: true, clientOrderId: true },
  });
  const orderId = new Map(orderRows.map((r) => [`${r.accountId}|${r.clientOrderId ?? ''}`, r.id]));
  log(`seed: ${accountRows.length} exchange accounts, ${positionRows.length} positions, ${orderRows.length} orders`);

  // Trading sessions, their trades and events.
  const sessionRows = await tx.tradingSession.createManyAndReturn({
    data: data.sessions.map((s) => ({
      userId: uid(s.user),
      sessionKey: s.sessionKey,
      status: s.status,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      endReason: s.endReason,
      initialBalance: s.initialBalance,
      currentBalance: s.currentBalance,
      finalBalance: s.finalBalance,
      lastHeartbeatAt: s.lastHeartbeatAt,
      symbols: s.symbols,
      recovered: s.recovered,
      totalTrades: s.totalTrades,
      totalPnl: s.totalPnl,
    })),
    select: { id: true, userId: true, sessionKey: true },
  });
  const sessionId = new Map(sessionRows.map((r) => [`${r.userId}|${r.sessionKey}`, r.id]));
  const sid = (s: SessionSpec) => need(sessionId, `${uid(s.user)}|${s.sessionKey}`, 'session');
  const trades = await tx.trade.createMany({
    data: data.sessions.flatMap((s) =>
      s.trades.map((t) => ({
        sessionId: sid(s),
        userId: uid(s.user),
        tradeId: t.tradeId,
        executedAt: t.executedAt,
        symbol: t.symbol,
        direction: t.direction,
        intensity: t.intensity,
        action: t.action,
        volume: t.volume,
        entryPrice: t.entryPrice,
        exitPrice: t.exitPrice,
        pnl: t.pnl,
        pnlPips: t.pnlPips,
        commission: t.commission,
        hmmState: t.hmmState,
        isPaper: t.isPaper,
        comment: t.comment,
        positionId: t.positionKey ? pid(t.positionKey) : null,
      })),
    ),
  });
  await tx.sessionEvent.createMany({ data: data.sessions.flatMap((s) => s.events.map((e) => ({ sessionId: sid(s), ...e }))) });
  log(`seed: ${sessionRows.length} trading sessions, ${trades.count} trades`);

  // The ledger last.
  const ledger = await tx.ledgerEntry.createMany({
    data: data.ledger.map((l) => {
      const acc = aid(l.accountKey);
      return {
        accountId: acc,
        asset: l.asset,
        amount: l.amount,
        kind: l.kind,
        orderId: l.orderClientId ? need(orderId, `${acc}|${l.orderClientId}`, 'order') : null,
        positionId: l.positionKey ? pid(l.positionKey) : null,
        reference: l.reference,
        createdAt: l.createdAt,
      };
    }),
  });
  log(`seed: ${ledger.count} ledger entries`);

  return {
    users: usersInserted.count,
    items: itemRows.length,
    circuits: circuitRows.length,
    sessions: sessionRows.length,
    trades: trades.count,
    accounts: accountRows.length,
    positions: positionRows.length,
    orders: orderRows.length,
    ledgerEntries: ledger.count,
    skipped: false,
  };
}

/** Inserts the demo data set; deterministic and safe to run twice (the second run changes nothing and returns skipped: true). */
export async function seedDemoData(prisma: PrismaClient, options?: { log?: (msg: string) => void }): Promise<SeedSummary> {
  const log = options?.log ?? (() => {});
  // Cheap check first, outside any transaction (the usual case on every start after the first).
  if (await alreadySeeded(prisma)) {
    log('seed: demo data already present, skipping');
    return { ...SKIPPED };
  }
  const data = buildDemoData();
  const started = performance.now();
  // One transaction: all or nothing. Only `tx` is used inside (PGlite has a single connection).
  const summary = await prisma.$transaction(
    async (tx) => {
      // Serialise concurrent seeders (several instances starting at once), then re-check.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
      if (await alreadySeeded(tx)) return null;
      return insertAll(tx, data, log);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
  if (!summary) {
    log('seed: demo data inserted by another process, skipping');
    return { ...SKIPPED };
  }
  log(`seed: done in ${Math.round(performance.now() - started)} ms`);
  return summary;
}
