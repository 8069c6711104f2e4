/**
 * What makes the demo data deterministic: a seeded PRNG (mulberry32) instead of Math.random(), and
 * timestamps as offsets from a fixed epoch instead of Date.now().
 */
import { Prisma } from '../generated/prisma/client';

const EPOCH = Date.UTC(2026, 0, 5); // 2026-01-05T00:00:00Z
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** A timestamp `ms` after the epoch (negative: before it). */
export const at = (ms: number): Date => new Date(EPOCH + ms);
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export const Decimal = Prisma.Decimal;
export type Decimal = Prisma.Decimal;
export const ZERO = new Decimal(0);

/** A decimal from a float, rounded to `dp` places (toFixed is exactly specified, so deterministic). */
export const dec = (n: number, dp: number): Decimal => new Decimal(n.toFixed(dp));

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

/** One stream per section (one fixed seed each), so a change in one section leaves the others as they are. */
export class Rng {
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
export function at0<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`seed: index ${i} out of range (${items.length})`);
  return v;
}

export function need<K, V>(map: Map<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new Error(`seed: no ${what} for ${String(key)}`);
  return v;
}
