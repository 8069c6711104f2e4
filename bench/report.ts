// The results: bench/results/latest.json, bench/results/latency.svg and a table on stdout.
import fs from 'node:fs';
import path from 'node:path';
import type { LoadStats } from './load';
import type { MissByLedger } from './balances';
import { PEER_LABELS, type Peer } from './peer-operations';

export const MODES = ['batched', 'naive', 'raw'] as const;
export type Mode = (typeof MODES)[number];

export interface OperationResult {
  name: string;
  pageSize: number | null;
  statements: {
    batched: number;
    naive: number;
    raw: number;
    byPageSize?: Record<string, { batched: number; naive: number | null; naiveError?: string }>;
    /** Mean per request during the load, from the gateways' /metrics (the server-side check). */
    underLoad?: { batched: number | null; naive: number | null };
    /** PostGraphile's, its transaction's begin, set_config and commit included. */
    postgraphile?: number;
  };
  batched: LoadStats;
  naive: LoadStats;
  raw: LoadStats;
  /** The peers, measured in the same interleaved rounds, where they serve the operation. */
  postgraphile?: LoadStats;
  bareApollo?: LoadStats;
  /** Why PostGraphile does not serve an operation. */
  notServed?: Partial<Record<Peer, string>>;
  /** Values compared between a peer's answer and batched's before measuring (peer-check.ts). */
  peerCheck?: Partial<Record<Peer, { valuesCompared: number; answerNodes: number }>>;
  ratios: {
    /** Throughput of batched over naive: how much DataLoader buys. */
    batchedOverNaiveRps: number;
    batchedOverNaiveP50: number;
    /** p50 of batched over raw SQL: how far the product is from the floor (1 = at the floor). */
    batchedOverRawP50: number;
    batchedOverRawRps: number;
    /** Batched over a peer (same rounds): above 1 the gateway is faster (rps) or slower (p50). */
    batchedOverPostgraphileRps?: number;
    batchedOverPostgraphileP50?: number;
    batchedOverBareApolloRps?: number;
    batchedOverBareApolloP50?: number;
  };
  /** `autocannon, N connections` or `sequential, 1 connection`. */
  measuredWith: string;
  /** Objects and list elements in the answer (the pages are not empty). */
  answerNodes: number;
}

export interface Goal {
  goal: string;
  met: boolean;
  detail: string;
}

export interface Results {
  operations: OperationResult[];
  balances: Record<string, unknown> & { hitP50Ms: number; missP50Ms: number; hitRps: number; trivialRps: number; missByLedger?: MissByLedger[] };
  startup: Record<string, unknown> & { emptyMs: number; fullMs: number; emptyRssMb: number; fullRssMb: number };
  goals: Goal[];
  run: Record<string, unknown>;
}

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : NaN);

export function ratiosOf(batched: LoadStats, naive: LoadStats, raw: LoadStats): OperationResult['ratios'] {
  return {
    batchedOverNaiveRps: ratio(batched.rps, naive.rps),
    batchedOverNaiveP50: ratio(batched.p50Ms, naive.p50Ms),
    batchedOverRawP50: ratio(batched.p50Ms, raw.p50Ms),
    batchedOverRawRps: ratio(batched.rps, raw.rps),
  };
}

/** Batched against each peer that was measured. */
export function peerRatiosOf(batched: LoadStats, peers: Partial<Record<Peer, LoadStats>>): Partial<OperationResult['ratios']> {
  const out: Partial<OperationResult['ratios']> = {};
  if (peers.postgraphile) {
    out.batchedOverPostgraphileRps = ratio(batched.rps, peers.postgraphile.rps);
    out.batchedOverPostgraphileP50 = ratio(batched.p50Ms, peers.postgraphile.p50Ms);
  }
  if (peers.bareApollo) {
    out.batchedOverBareApolloRps = ratio(batched.rps, peers.bareApollo.rps);
    out.batchedOverBareApolloP50 = ratio(batched.p50Ms, peers.bareApollo.p50Ms);
  }
  return out;
}

/** The goals, each judged from the results with the figures that decide it. */
export function judgeGoals(results: Omit<Results, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  const paged = new Map<string, OperationResult>();
  for (const operation of results.operations) if (operation.statements.byPageSize) paged.set(operation.name, operation);
  const flat = [...paged.values()].map((operation) => {
    const byPage = Object.entries(operation.statements.byPageSize!);
    const values = new Set(byPage.map(([, counts]) => counts.batched));
    return { name: operation.name, equal: values.size === 1, text: byPage.map(([n, counts]) => `${n}:${counts.batched}`).join(' ') };
  });
  goals.push({
    goal: 'statements equal across page sizes (batched)',
    met: flat.every((entry) => entry.equal),
    detail: flat.map((entry) => `${entry.name} first ${entry.text}`).join('; '),
  });

  const page50 = results.operations.find((operation) => operation.name === 'nestedItems' && operation.pageSize === 50);
  if (page50) {
    goals.push({
      goal: 'batched at least 5× naive throughput at page 50',
      met: page50.ratios.batchedOverNaiveRps >= 5,
      detail: `nestedItems(50): ${page50.batched.rps} vs ${page50.naive.rps} rps = ${page50.ratios.batchedOverNaiveRps}×`,
    });
  }

  const withRaw = results.operations.filter((operation) => operation.name !== 'balancesHit' && operation.name !== 'typename');
  const within = withRaw.filter((operation) => operation.ratios.batchedOverRawP50 <= 2);
  goals.push({
    goal: 'batched p50 within 2× of raw SQL (operations that read data)',
    met: within.length === withRaw.length,
    detail: withRaw
      .map((operation) => `${label(operation)} ${operation.ratios.batchedOverRawP50}×`)
      .join('; '),
  });

  // The peers (issue 16): at least PostGraphile's throughput wherever it serves the operation,
  // and the trivial operation within 1.5× of a bare Apollo Server's.
  const withPostgraphile = results.operations.filter((operation) => operation.ratios.batchedOverPostgraphileRps !== undefined);
  if (withPostgraphile.length) {
    goals.push({
      goal: 'batched throughput at least PostGraphile on every operation both serve',
      met: withPostgraphile.every((operation) => operation.ratios.batchedOverPostgraphileRps! >= 1),
      detail: withPostgraphile
        .map((operation) => `${label(operation)} ${operation.ratios.batchedOverPostgraphileRps}×${operation.name === 'typename' ? ' (PostGraphile authenticates nothing on it)' : ''}`)
        .join('; '),
    });
  }
  const trivial = results.operations.find((operation) => operation.name === 'typename');
  if (trivial?.bareApollo) {
    const slower = ratio(trivial.bareApollo.rps, trivial.batched.rps);
    goals.push({
      goal: '{ __typename } with a key within 1.5× of a bare Apollo Server (rps)',
      met: slower <= 1.5,
      detail: `bare Apollo ${trivial.bareApollo.rps} rps, batched ${trivial.batched.rps} rps: bare is ${slower}× batched`,
    });
  }

  // Since running balances a miss reads a few rows, so a hit can no longer be a small share of it
  // (both are mostly the request's fixed cost); the cache must still never make a read slower.
  const { hitP50Ms, missP50Ms } = results.balances;
  goals.push({
    goal: 'a cache hit no slower than a miss',
    met: hitP50Ms <= missP50Ms,
    detail: `p50 hit ${hitP50Ms} ms / miss ${missP50Ms} ms = ${((100 * hitP50Ms) / missP50Ms).toFixed(1)}%`,
  });

  const byLedger = results.balances.missByLedger;
  if (byLedger?.length) {
    const p50s = byLedger.map((user) => user.gatewayMissP50Ms);
    const flatness = Math.max(...p50s) / Math.min(...p50s);
    goals.push({
      goal: 'a cache miss costs the same at any ledger length (largest p50 within 1.5× of the smallest)',
      met: flatness <= 1.5,
      detail:
        byLedger.map((user) => `${user.ledgerEntries} entries ${user.gatewayMissP50Ms} ms`).join(', ') +
        ` = ${flatness.toFixed(2)}×; the old aggregate alone: ` +
        byLedger.map((user) => `${user.ledgerAggregateSqlP50Ms} ms`).join(', '),
    });
  }

  const { emptyMs, fullMs, emptyRssMb, fullRssMb } = results.startup;
  // Flat within noise: start-up within max(15 %, 250 ms), RSS within max(10 %, 10 MB).
  const startupFlat = fullMs - emptyMs <= Math.max(0.15 * emptyMs, 250);
  const rssFlat = fullRssMb - emptyRssMb <= Math.max(0.1 * emptyRssMb, 10);
  goals.push({
    goal: 'startup and RSS not growing with the data',
    met: startupFlat && rssFlat,
    detail:
      `startup ${emptyMs} ms empty vs ${fullMs} ms full; RSS ${emptyRssMb} MB vs ${fullRssMb} MB ` +
      `(flat = within max(15%, 250 ms) and max(10%, 10 MB))`,
  });
  return goals;
}

export const label = (operation: Pick<OperationResult, 'name' | 'pageSize'>) =>
  operation.pageSize === null ? operation.name : `${operation.name}(${operation.pageSize})`;

export function writeResults(dir: string, results: Results): { json: string; svg: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const svg = path.join(dir, 'latency.svg');
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(svg, latencyChart(results));
  return { json, svg };
}

// ─── The table ───────────────────────────────────────────────────────────────

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const fmt = (value: number) => (Number.isNaN(value) ? '-' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

export function table(results: Results): string {
  const header = ['operation', 'stmts b/n/r', 'p50 ms b/n/r', 'p95 ms b/n/r', 'rps b/n/r', 'b/n rps', 'b/r p50', 'PostGraphile p50/p95/rps', 'b/PG rps', 'CPU ms/req server+pg b/r/PG'];
  const cpu = (stats: LoadStats | undefined) =>
    stats?.serverCpuMs === undefined ? '-' : `${fmt(stats.serverCpuMs)}+${fmt(stats.postgresCpuMs ?? NaN)}`;
  const postgraphile = (operation: OperationResult) =>
    operation.postgraphile
      ? `${fmt(operation.postgraphile.p50Ms)} / ${fmt(operation.postgraphile.p95Ms)} / ${fmt(operation.postgraphile.rps)}`
      : 'not served';
  const rows = results.operations.map((operation) => [
    label(operation),
    `${operation.statements.batched}/${operation.statements.naive}/${operation.statements.raw}`,
    MODES.map((mode) => fmt(operation[mode].p50Ms)).join(' / '),
    MODES.map((mode) => fmt(operation[mode].p95Ms)).join(' / '),
    MODES.map((mode) => fmt(operation[mode].rps)).join(' / '),
    `${fmt(operation.ratios.batchedOverNaiveRps)}×`,
    `${fmt(operation.ratios.batchedOverRawP50)}×`,
    postgraphile(operation),
    operation.ratios.batchedOverPostgraphileRps === undefined ? '' : `${fmt(operation.ratios.batchedOverPostgraphileRps)}×`,
    [operation.batched, operation.raw, ...(operation.postgraphile ? [operation.postgraphile] : [])].map(cpu).join(' / '),
  ]);
  const trivial = results.operations.find((operation) => operation.name === 'typename');
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => pad(cell, widths[column]!, column > 0)).join('  ');
  const out = [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)];
  const { balances, startup } = results;
  out.push(
    '',
    `balances (heavy user, sequential pairs): miss p50 ${balances.missP50Ms} ms, hit p50 ${balances.hitP50Ms} ms ` +
      `(${((100 * balances.hitP50Ms) / balances.missP50Ms).toFixed(1)}% of a miss); hit ${balances.hitRps} rps; ` +
      `{ __typename } ${balances.trivialRps} rps` +
      (trivial?.bareApollo
        ? `, ${PEER_LABELS.bareApollo} ${trivial.bareApollo.rps} rps (p50 ${fmt(trivial.bareApollo.p50Ms)} ms, ${cpu(trivial.bareApollo)} ms CPU per request; batched ÷ bare ${fmt(trivial.ratios.batchedOverBareApolloRps!)}× rps)`
        : ''),
    ...(balances.missByLedger ?? []).map(
      (user) =>
        `balances miss, ${String(user.ledgerEntries).padStart(8)} ledger entries: gateway p50 ${user.gatewayMissP50Ms} ms (p95 ${user.gatewayMissP95Ms}); ` +
        `running read ${user.runningReadSqlP50Ms} ms, old aggregate ${user.ledgerAggregateSqlP50Ms} ms (SQL alone)`,
    ),
    `startup: empty database ${startup.emptyMs} ms / RSS ${startup.emptyRssMb} MB; ` +
      `full database ${startup.fullMs} ms / RSS ${startup.fullRssMb} MB`,
    '',
    'goals:',
    ...results.goals.map((goal) => `  [${goal.met ? 'met ' : 'MISS'}] ${goal.goal}: ${goal.detail}`),
  );
  return out.join('\n');
}

// ─── The chart ───────────────────────────────────────────────────────────────

const COLOURS: Record<Mode | 'postgraphile', string> = { batched: '#1f6feb', naive: '#d1242f', raw: '#1a7f37', postgraphile: '#8250df' };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** p50 (solid) and p95 (dashed) latency against page size for nestedItems, one line per mode, log scale. */
export function latencyChart(results: Results): string {
  const points = results.operations.filter((operation) => operation.name === 'nestedItems' && operation.pageSize !== null);
  const sizes = points.map((operation) => operation.pageSize!);
  // PostGraphile gets a line when it was measured at every page size (a run with the peers).
  const lines: Array<Mode | 'postgraphile'> = points.every((operation) => operation.postgraphile) ? [...MODES, 'postgraphile'] : [...MODES];
  const stats = (operation: OperationResult, mode: Mode | 'postgraphile') => operation[mode]!;
  const values = points.flatMap((operation) => lines.flatMap((mode) => [stats(operation, mode).p50Ms, stats(operation, mode).p95Ms]));
  const width = 760;
  const height = 460;
  const margin = { left: 70, right: 170, top: 50, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const low = Math.pow(10, Math.floor(Math.log10(Math.min(...values))));
  const high = Math.pow(10, Math.ceil(Math.log10(Math.max(...values))));
  const minSize = Math.min(...sizes);
  const maxSize = Math.max(...sizes);
  const x = (size: number) => margin.left + ((size - minSize) / (maxSize - minSize || 1)) * plotW;
  const y = (ms: number) => margin.top + plotH - ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold">nestedItems latency against page size (log scale)</text>`,
    `<text x="${margin.left}" y="39" fill="#555">items(first: n) → identifiers, events(first: n), circuits(first: n) → owner; ${escape(String(results.run.connections))} connections</text>`,
  );
  // Grid: each decade and its 2× and 5×.
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const ms = decade * step;
      if (ms > high) break;
      const yy = y(ms).toFixed(1);
      parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${yy}" y2="${yy}" stroke="${step === 1 ? '#ccc' : '#eee'}"/>`);
      parts.push(`<text x="${margin.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#333">${ms}</text>`);
    }
  }
  for (const size of sizes) {
    const xx = x(size).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#333">${size}</text>`);
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 18}" text-anchor="middle">page size (first)</text>`,
    `<text transform="translate(20 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency, ms</text>`,
  );
  for (const mode of lines) {
    for (const [stat, dash] of [['p50Ms', ''], ['p95Ms', ' stroke-dasharray="6 4"']] as const) {
      const path = points.map((operation, index) => `${index ? 'L' : 'M'}${x(operation.pageSize!).toFixed(1)} ${y(stats(operation, mode)[stat]).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${COLOURS[mode]}" stroke-width="${stat === 'p50Ms' ? 2.5 : 1.2}"${dash}/>`);
    }
    for (const operation of points) {
      const cx = x(operation.pageSize!).toFixed(1);
      const cy = y(stats(operation, mode).p50Ms).toFixed(1);
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${COLOURS[mode]}"/>`);
      parts.push(`<text x="${cx}" y="${(Number(cy) - 8).toFixed(1)}" text-anchor="middle" fill="${COLOURS[mode]}" font-size="11">${fmt(stats(operation, mode).p50Ms)}</text>`);
    }
  }
  const legendX = margin.left + plotW + 20;
  lines.forEach((mode, index) => {
    const yy = margin.top + 10 + index * 22;
    parts.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${yy}" y2="${yy}" stroke="${COLOURS[mode]}" stroke-width="2.5"/>`);
    parts.push(`<text x="${legendX + 30}" y="${yy}" dominant-baseline="middle">${mode === 'postgraphile' ? PEER_LABELS.postgraphile : mode}</text>`);
  });
  const noteY = margin.top + 10 + lines.length * 22 + 10;
  parts.push(
    `<line x1="${legendX}" x2="${legendX + 24}" y1="${noteY}" y2="${noteY}" stroke="#555" stroke-width="2.5"/>`,
    `<text x="${legendX + 30}" y="${noteY}" dominant-baseline="middle">p50</text>`,
    `<line x1="${legendX}" x2="${legendX + 24}" y1="${noteY + 20}" y2="${noteY + 20}" stroke="#555" stroke-width="1.2" stroke-dasharray="6 4"/>`,
    `<text x="${legendX + 30}" y="${noteY + 20}" dominant-baseline="middle">p95</text>`,
  );
  const statements = points.map((operation) => `${operation.pageSize}: ${operation.statements.batched}/${operation.statements.naive}/${operation.statements.raw}`);
  parts.push(`<text x="${legendX}" y="${noteY + 54}" fill="#333">SQL statements</text>`);
  parts.push(`<text x="${legendX}" y="${noteY + 70}" fill="#555" font-size="11">(batched/naive/raw)</text>`);
  statements.forEach((text, index) => parts.push(`<text x="${legendX}" y="${noteY + 88 + index * 16}" fill="#333" font-size="11">${escape(text)}</text>`));
  parts.push(`<text x="${legendX}" y="${height - 18}" fill="#777" font-size="10">${escape(String(results.run.finishedAt ?? ''))}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
