import type { TestGateway } from './test-gateway';

/** Latencies of a light query a well-behaved client sends, in ms. */
export interface ProbeFigures {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

const figures = (samples: number[]): ProbeFigures => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0, max: sorted[sorted.length - 1] ?? 0, count: sorted.length };
};

async function probeOnce(gw: TestGateway, key: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { username } }' }),
  });
  const body = (await response.json()) as { data?: { viewer?: { username?: string } } };
  if (response.status !== 200 || !body.data?.viewer?.username) throw new Error(`probe failed: ${response.status} ${JSON.stringify(body)}`);
  return performance.now() - started;
}

/**
 * Measures a second client sending `{ viewer { username } }` every 50 ms: first alone (its
 * baseline), then while `attack` runs. The limit a test asserts is relative to the baseline
 * measured in the same test, so a busy machine moves both.
 */
export async function probeDuring<T>(gw: TestGateway, key: string, attack: () => Promise<T>): Promise<{ baseline: ProbeFigures; during: ProbeFigures; result: T; attackMs: number }> {
  const baselineSamples: number[] = [];
  for (let i = 0; i < 20; i++) {
    baselineSamples.push(await probeOnce(gw, key));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const duringSamples: number[] = [];
  let running = true;
  const probing = (async () => {
    while (running) {
      duringSamples.push(await probeOnce(gw, key));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const started = performance.now();
  let result: T;
  try {
    result = await attack();
  } finally {
    running = false;
    await probing;
  }
  return { baseline: figures(baselineSamples), during: figures(duringSamples), result, attackMs: performance.now() - started };
}

/** What "not stalled" means: the worst probe during the attack within ten baseline medians (and 3× the baseline's worst). */
export const stallBound = (baseline: ProbeFigures) => Math.max(10 * baseline.p50, 3 * baseline.max, 50);
