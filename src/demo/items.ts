/**
 * Traceability items: demo's 64 and a few of alice's and bob's, some of which demo can see
 * through shared circuits (circuits.ts) and some it must never see.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import { at, at0, DAY, HOUR, MINUTE, need, Rng } from './rng';
import { DEMO_USERNAME, type Username } from './users';

interface IdentifierSpec {
  key: string;
  value: string;
}
export interface ItemSpec {
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

const DEMO_ITEM_COUNT = 64;
const ALICE_ITEMS = { first: 65, count: 8 }; // DFID-0065..0072
export const BOB_ITEMS = { first: 73, count: 7 }; // DFID-0073..0079
export const dfidOf = (n: number): string => `DFID-${String(n).padStart(4, '0')}`;

/** Other users' items demo can see (pushed to circuits demo belongs to). */
export const ALICE_VISIBLE = [65, 66, 67, 68].map(dfidOf);
export const BOB_VISIBLE = [73, 74, 75].map(dfidOf);
// The rest of theirs demo cannot see: 69, 70, 76 and 77 are only in alice+bob circuits, the others in none.

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

export function buildItems(): ItemSpec[] {
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
