import { loadConfig } from '../../src/config';
import { startTestGateway, type TestGateway } from './test-gateway';

/** A gateway as production runs it: production mode and the default limits (not the tests' relaxed ones). */
export const startProductionGateway = (): Promise<TestGateway> => startTestGateway({ env: 'production', limits: loadConfig({}).limits });

/** POSTs one operation (an object, or a body already encoded) and returns status and body. */
export async function postOperation(gw: TestGateway, body: unknown, key?: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion's message
  }
  return { status: response.status, body: parsed, ms: performance.now() - started };
}

/**
 * Fragments that spread each other: `F0` holds `leaf`, and each `F<n>` spreads `F<n-1>` `fanOut`
 * times, so `F<levels>` stands for fanOut^levels copies of the leaf in a short text.
 */
export function fanOutFragments(on: string, leaf: string, fanOut: number, levels: number, prefix = 'F'): string {
  const fragments = [`fragment ${prefix}0 on ${on} { ${leaf} }`];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment ${prefix}${level} on ${on} { ${Array.from({ length: fanOut }, () => `...${prefix}${level - 1}`).join(' ')} }`);
  }
  return fragments.join('\n');
}

/** A production gateway, a key for the seeded user alice, and a key for the probing client. */
export async function productionGatewayWithProbe(probeUser: string): Promise<{ gw: TestGateway; key: string; probeKey: string }> {
  const gw = await startProductionGateway();
  return { gw, key: await gw.keyFor('alice'), probeKey: await gw.keyFor(probeUser) };
}
