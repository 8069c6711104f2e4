import { spawn } from 'node:child_process';

/**
 * Sends `count` requests to `url`, `concurrency` at a time, each with a new random well-formed
 * API key, from a child process: the attacker's CPU is not the gateway's (as on a real network),
 * so what the test measures is what the gateway spends refusing them.
 * Resolves with the number of answers per HTTP status and the slowest answer in ms.
 */
export function floodWithRandomKeys(url: string, count: number, concurrency: number): Promise<{ statuses: Record<string, number>; worstMs: number }> {
  const script = `
    const { randomBytes } = require('node:crypto');
    const [url, count, concurrency] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    const statuses = {}; let sent = 0; let worst = 0;
    const worker = async () => {
      while (sent < count) {
        sent += 1;
        const started = performance.now();
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tg_' + randomBytes(32).toString('base64url') }, body: '{"query":"{ viewer { username } }"}' });
        const body = await response.json();
        const code = body.errors && body.errors[0] && body.errors[0].extensions && body.errors[0].extensions.code;
        const label = response.status + ':' + code;
        statuses[label] = (statuses[label] || 0) + 1;
        worst = Math.max(worst, performance.now() - started);
      }
    };
    Promise.all(Array.from({ length: concurrency }, worker)).then(() => process.stdout.write(JSON.stringify({ statuses, worstMs: worst })));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, url, String(count), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`flood exited ${code}`))));
  });
}
