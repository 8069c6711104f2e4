// Before a peer is measured, its answer is held against the batched gateway's: the two schemas
// differ in names and in encodings, so the answers cannot be compared whole as naive and raw
// are. Instead each check of peer-operations.ts walks one path in each answer; where the path
// ends in scalars (keys, names, enums, counts) the sequences must be equal, where it ends in
// objects their numbers must be. Same rows at every level, in the same order, or no figure.
import { countNodes, dataOf } from './http';
import type { BenchOperation } from './operations';
import { PEER_LABELS, peerServing, peersServing, type Check, type Peer } from './peer-operations';
import type { Child } from './processes';
import { label } from './report';

/** The values at `path` (lists walked through, nulls on the way skipped; null leaves kept). */
export function valuesAt(value: unknown, path: string): unknown[] {
  const keys = path.split('.');
  let level: unknown[] = [value];
  for (const key of keys) {
    const next: unknown[] = [];
    for (const item of level.flatMap((entry) => (Array.isArray(entry) ? entry : [entry]))) {
      if (item && typeof item === 'object') next.push((item as Record<string, unknown>)[key]);
    }
    level = next;
  }
  return level.flatMap((entry) => (Array.isArray(entry) ? entry : [entry])).filter((entry) => entry !== undefined);
}

const isObject = (value: unknown) => value !== null && typeof value === 'object';

/** Null when every check holds, else what differs; `rows` counts the values compared. */
export function compareByChecks(ours: unknown, theirs: unknown, checks: readonly Check[]): { difference: string | null; rows: number } {
  let rows = 0;
  for (const [ourPath, theirPath] of checks) {
    // Objects: count the non-null ones (a trade without a position has `position: null`).
    const a = valuesAt(ours, ourPath);
    const b = valuesAt(theirs, theirPath);
    const objects = a.some(isObject) || b.some(isObject);
    const left = objects ? a.filter(isObject) : a;
    const right = objects ? b.filter(isObject) : b;
    if (left.length === 0) return { difference: `${ourPath}: nothing to compare (an empty page proves nothing)`, rows };
    if (left.length !== right.length) return { difference: `${ourPath}: ${left.length} vs ${right.length} at ${theirPath}`, rows };
    if (!objects) {
      const index = left.findIndex((value, i) => !Object.is(value, right[i]));
      if (index >= 0) {
        return { difference: `${ourPath}[${index}]: ${JSON.stringify(left[index])} vs ${JSON.stringify(right[index])} at ${theirPath}`, rows };
      }
    }
    rows += left.length;
  }
  return { difference: null, rows };
}

export interface PeerVerdict {
  valuesCompared: number;
  answerNodes: number;
  /** PostGraphile only: statements its pool sent for one request (GET /statements). */
  statements?: number;
}

async function statementCount(server: Child): Promise<number> {
  const response = await fetch(`${server.url}/statements`);
  return ((await response.json()) as { statements: number }).statements;
}

/**
 * Each operation a peer serves, held against batched's answer (`answers`, from verify() in
 * run.ts). Throws on the first difference: a peer that returns other rows is not measured.
 */
export async function verifyPeers(
  servers: Record<Peer, Child>,
  apiKey: string,
  operations: readonly BenchOperation[],
  answers: ReadonlyMap<BenchOperation, unknown>,
): Promise<Map<BenchOperation, Partial<Record<Peer, PeerVerdict>>>> {
  const out = new Map<BenchOperation, Partial<Record<Peer, PeerVerdict>>>();
  for (const operation of operations) {
    const verdicts: Partial<Record<Peer, PeerVerdict>> = {};
    for (const peer of peersServing(operation)) {
      const serving = peerServing(peer, operation);
      if (!serving.served) continue;
      const server = servers[peer];
      // Once unmeasured, so that the counted request finds a pooled connection already set up.
      await dataOf(server.url, apiKey, serving.operation);
      const before = peer === 'postgraphile' ? await statementCount(server) : 0;
      const { data } = await dataOf(server.url, apiKey, serving.operation);
      const statements = peer === 'postgraphile' ? (await statementCount(server)) - before : undefined;
      const { difference, rows } = compareByChecks(answers.get(operation), data, serving.checks);
      if (difference) throw new Error(`${label(operation)}: the ${PEER_LABELS[peer]} answer differs from the batched one at ${difference}`);
      verdicts[peer] = { valuesCompared: rows, answerNodes: countNodes(data), ...(statements === undefined ? {} : { statements }) };
    }
    out.set(operation, verdicts);
  }
  return out;
}
