// Where a gateway's CPU goes under one operation's load: the production gateway (dist/main.js,
// built by `npm run build`) under `node --cpu-prof`, loaded by autocannon, its self time summed
// by component (a package under node_modules, a folder of dist/, Node's own code, the garbage
// collector). `npm run bench:profile` (BENCH_DATABASE_URL, BENCH_PORT, BENCH_PROFILE_S) prints
// a Markdown table per operation; the benchmark database must exist (`npm run bench` builds it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../src/auth/api-keys';
import { openDatabase } from '../src/db/database';
import { DIST_ENTRY } from '../scripts/build';
import { BENCH_USERNAME, dfidOf } from './data';
import { load } from './load';
import { benchOperations, type BenchOperation } from './operations';
import { gatewayEnv, startChild } from './processes';
import { settings } from './settings';

const seconds = Number(process.env.BENCH_PROFILE_S ?? 20);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; scriptId: string | number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The component a frame's code belongs to. */
function componentOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8 and native code (program)';
    return `native: ${functionName || 'anonymous'}`;
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + '/dist/'.length).split('/');
    return `gateway: ${parts.length > 1 ? parts.slice(0, parts[0] === 'modules' ? 2 : 1).join('/') : parts[0]}`;
  }
  if (url.startsWith('node:')) {
    const name = url.slice('node:'.length).replace(/^internal\//, '');
    const [head, next] = name.split('/');
    return `node: ${['streams', 'http', 'async_hooks', 'timers', 'process', 'url', 'crypto'].includes(head!) || !next ? head : `${head}/${next}`}`;
  }
  // graphql-jit's compiled functions are eval'd: they have no file of their own.
  return url.includes('eval') ? 'graphql-jit compiled code' : url;
}

function selfTimeByComponent(profile: CpuProfile): Array<{ component: string; ms: number }> {
  const component = new Map(profile.nodes.map((node) => [node.id, componentOf(node.callFrame)]));
  // graphql-jit's generated code has an empty url but a name: attribute what has no url and a JS name to it.
  for (const node of profile.nodes) {
    const { url, functionName, scriptId } = node.callFrame;
    // Native code (writev, …) has no script: scriptId 0.
    if (!url && functionName && !functionName.startsWith('(') && Number(scriptId) !== 0) component.set(node.id, 'graphql-jit compiled code');
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const name = component.get(id)!;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return [...totals].map(([name, ms]) => ({ component: name, ms })).sort((a, b) => b.ms - a.ms);
}

/** Self time by function (name, file and line), the heaviest first: what a component's time is made of. */
function selfTimeByFunction(profile: CpuProfile, top: number): Array<{ fn: string; ms: number }> {
  const names = new Map(
    profile.nodes.map((node) => {
      const { functionName, url } = node.callFrame;
      const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
      return [node.id, `${functionName || '(anonymous)'} ${file}`.trim()];
    }),
  );
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const name = names.get(id)!;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return [...totals]
    .filter(([name]) => !name.startsWith('(idle)'))
    .map(([fn, ms]) => ({ fn, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

async function profileOperation(operation: BenchOperation, apiKey: string, port: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-profile-'));
  const child = await startChild(`gateway (${operation.name})`, ['--cpu-prof', `--cpu-prof-dir=${dir}`, DIST_ENTRY], gatewayEnv({ databaseUrl: settings.databaseUrl, port, naive: false }), port);
  // Warm up (compile the operation, fill the pool), then measure a while.
  const warm = await load(child.url, apiKey, operation, { connections: settings.connections, amount: 50 });
  // Batches of about 5 s each (autocannon starts once per batch).
  const amount = Math.max(settings.connections, Math.round((warm.requests / warm.seconds) * 5));
  const started = Date.now();
  let requests = 0;
  while (Date.now() - started < seconds * 1000) requests += (await load(child.url, apiKey, operation, { connections: settings.connections, amount })).requests;
  const elapsed = (Date.now() - started) / 1000;
  await child.stop();
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const rows = selfTimeByComponent(profile);
  const busy = rows.filter((row) => row.component !== '(idle)').reduce((sum, row) => sum + row.ms, 0);
  const lines = [
    `### ${operation.name}${operation.pageSize === null ? '' : `(${operation.pageSize})`} (${requests} requests in ${elapsed.toFixed(1)} s, ${(requests / elapsed).toFixed(1)} rps at ${settings.connections} connections; ${((busy / (elapsed * 1000)) * 100).toFixed(0)} % of a core busy, ${(busy / requests).toFixed(2)} ms of main-thread CPU per request)`,
    '',
    '| component | self ms | % of busy | ms per request |',
    '|---|---:|---:|---:|',
    ...rows
      .filter((row) => row.component !== '(idle)' && row.ms / busy >= 0.005)
      .map((row) => `| ${row.component} | ${row.ms.toFixed(0)} | ${((row.ms / busy) * 100).toFixed(1)} | ${(row.ms / requests).toFixed(3)} |`),
    '',
    '| heaviest functions (self) | self ms | % of busy |',
    '|---|---:|---:|',
    ...selfTimeByFunction(profile, 15).map((row) => `| \`${row.fn}\` | ${row.ms.toFixed(0)} | ${((row.ms / busy) * 100).toFixed(1)} |`),
    '',
  ];
  fs.rmSync(dir, { recursive: true, force: true });
  return lines.join('\n');
}

async function main() {
  const db = await openDatabase({ url: settings.databaseUrl, poolMax: 1 });
  let apiKey: string;
  let sampleDfid: string;
  try {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: BENCH_USERNAME } });
    apiKey = (await createApiKey(db.prisma, user.id, 'profile')).key;
    const items = await db.prisma.item.count();
    sampleDfid = dfidOf(Math.floor(items / 2) - (Math.floor(items / 2) % 10));
  } finally {
    await db.close();
  }
  const wanted = (process.env.BENCH_PROFILE_OPERATIONS ?? 'typename,sessionsTrades').split(',');
  const operations = benchOperations(sampleDfid).filter((operation) => wanted.includes(operation.name));
  for (const operation of operations) process.stdout.write(`${await profileOperation(operation, apiKey, settings.basePort)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
