// One GraphQL request over HTTP, and the comparison of two answers.
import { performance } from 'node:perf_hooks';
import { requestBody, type BenchOperation } from './operations';

export interface Answer {
  status: number;
  body: { data?: unknown; errors?: unknown[] };
  ms: number;
}

export async function send(
  baseUrl: string,
  apiKey: string,
  operation: Pick<BenchOperation, 'operationName' | 'query' | 'variables'>,
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: requestBody(operation),
  });
  const body = (await response.json()) as Answer['body'];
  return { status: response.status, body, ms: performance.now() - started };
}

/** An answer's `data`, or an error naming the operation and what went wrong. */
export async function dataOf(
  baseUrl: string,
  apiKey: string,
  operation: Pick<BenchOperation, 'name' | 'operationName' | 'query' | 'variables'>,
): Promise<{ data: unknown; ms: number }> {
  const answer = await send(baseUrl, apiKey, operation);
  if (answer.status !== 200 || answer.body.errors || answer.body.data === undefined) {
    throw new Error(`${operation.name} at ${baseUrl}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  return { data: answer.body.data, ms: answer.ms };
}

/** Sorted keys, volatile keys removed: two answers with the same content normalise equal. */
export function normalise(value: unknown, volatile: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, volatile));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (!volatile.includes(key)) out[key] = normalise((value as Record<string, unknown>)[key], volatile);
    }
    return out;
  }
  return value;
}

/** The path of the first difference between two normalised values, or null when equal. */
export function firstDifference(a: unknown, b: unknown, where = 'data'): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${where}: ${a.length} vs ${b.length} elements`;
    for (let i = 0; i < a.length; i++) {
      const difference = firstDifference(a[i], b[i], `${where}[${i}]`);
      if (difference) return difference;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const difference = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
      if (difference) return difference;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

/** How many objects and list elements an answer holds (to show the pages are not empty). */
export function countNodes(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countNodes(item), 0);
  if (value && typeof value === 'object') return 1 + Object.values(value).reduce<number>((sum, item) => sum + countNodes(item), 0);
  return 0;
}
