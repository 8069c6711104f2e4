// `npm run bench`: one command that builds (or reuses) the benchmark database, then measures the
// gateway batched (the product), naive (loaders bypassed: BENCH_NAIVE_LOADERS=1), the raw-SQL
// floor and two peers (PostGraphile 5 on the same data, a bare Apollo Server for `{ __typename }`),
// interleaved, and writes bench/results/latest.json, bench/results/latency.svg and a table.
// Settings: bench/settings.ts (BENCH_DATABASE_URL, BENCH_SCALE, BENCH_DURATION_S, BENCH_ROUNDS, …).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildDist } from '../scripts/build';
import { settings, databaseName } from './settings';
import { machineCpuSeconds, stealPercentSince } from './cpu';
import { dropDatabase, prepareBenchDatabase, prepareEmptyDatabase } from './data';
import { benchOperations, INVALIDATE, type BenchOperation } from './operations';
import { countOperationStatements } from './statements';
import { gatewayEnv, startBareApollo, startGateway, startPostgraphile, startRawServer, rssMb, type Child } from './processes';
import { countNodes, dataOf, firstDifference, normalise } from './http';
import { load, summarise, round, warmUp, type LoadSample, type LoadStats } from './load';
import { measureBalances, measureMissByLedger } from './balances';
import { measureStartup } from './startup';
import { meanStatements, statementTally } from './metrics';
import { judgeGoals, label, MODES, peerRatiosOf, ratiosOf, table, writeResults, type Mode, type OperationResult, type Results } from './report';
import { PEER_LABELS, PEERS, peerServing, peersServing, type Peer } from './peer-operations';
import { verifyPeers } from './peer-check';
import { preparePeerSchema } from './peer-schema';
import { ensurePeersInstalled } from './peer-install';

/** A server the load is sent to: one of our three modes or a peer. */
type Column = Mode | Peer;
const columnsOf = (operation: BenchOperation): Column[] => [...MODES, ...peersServing(operation)];
/** The request a column is sent: peers get the operation rewritten to their schema. */
function askedOf(operation: BenchOperation, column: Column): BenchOperation {
  if ((MODES as readonly string[]).includes(column)) return operation;
  const serving = peerServing(column as Peer, operation);
  if (!serving.served) throw new Error(`${column} does not serve ${label(operation)}`);
  return serving.operation;
}
const isGateway = (column: Column) => column === 'batched' || column === 'naive';

const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s`;
const progress = (line: string) => console.log(`[${elapsed()}] ${line}`);

const invalidate = { name: 'invalidateBalanceCache', operationName: 'InvalidateBalances', query: INVALIDATE, variables: {} };

async function rawStatements(raw: Child): Promise<number> {
  const response = await fetch(`${raw.url}/statements`);
  return ((await response.json()) as { statements: number }).statements;
}

/**
 * Each operation once in every mode, answers compared after normalising (sorted keys, the
 * cache's own fields removed): the naive gateway and the raw floor must return exactly what the
 * product returns, or the comparison means nothing.
 */
async function verify(
  servers: Record<Mode, Child>,
  apiKey: string,
  operations: readonly BenchOperation[],
): Promise<Map<BenchOperation, { rawStatements: number; answerNodes: number; answer: unknown }>> {
  const out = new Map<BenchOperation, { rawStatements: number; answerNodes: number; answer: unknown }>();
  for (const operation of operations) {
    const answers: Partial<Record<Mode, unknown>> = {};
    let statements = 0;
    for (const mode of MODES) {
      const url = servers[mode].url;
      if (operation.name === 'balancesMiss') await dataOf(url, apiKey, invalidate);
      if (operation.name === 'balancesHit') await dataOf(url, apiKey, operation);
      const before = mode === 'raw' ? await rawStatements(servers.raw) : 0;
      answers[mode] = normalise((await dataOf(url, apiKey, operation)).data, operation.volatile);
      if (mode === 'raw') statements = (await rawStatements(servers.raw)) - before;
    }
    for (const mode of ['naive', 'raw'] as const) {
      const difference = firstDifference(answers.batched, answers[mode]);
      if (difference) throw new Error(`${label(operation)}: the ${mode} answer differs from the batched one at ${difference}`);
    }
    out.set(operation, { rawStatements: statements, answerNodes: countNodes(answers.batched), answer: answers.batched });
  }
  return out;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const machineBefore = machineCpuSeconds();
  progress(
    `bench: scale ${settings.scale}, ${settings.connections} connections, ${settings.rounds} rounds × ${settings.durationS} s per cell, ` +
      `database ${databaseName(settings.databaseUrl)}, cache ${settings.redisUrl ? 'redis' : 'memory'}; ` +
      `${os.cpus().length} cores, load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`,
  );

  // 0. The gateway as production runs it (compiled JavaScript).
  const buildStarted = performance.now();
  buildDist(settings.repoDir);
  progress(`built dist/ in ${Math.round(performance.now() - buildStarted)} ms (the gateway runs as node dist/main.js)`);

  // 1. Data.
  const data = await prepareBenchDatabase(settings.databaseUrl, settings.scale, { rebuild: settings.rebuild, log: progress });
  const empty = await prepareEmptyDatabase(settings.emptyDatabaseUrl);
  const operations = benchOperations(data.sampleDfid);

  // 2. Startup and memory, empty against full (before the load: a quiet machine).
  progress(`startup: ${settings.startupRuns} spawns per database, alternating`);
  const startup = await measureStartup(
    { empty: { url: settings.emptyDatabaseUrl, apiKey: empty.apiKey }, full: { url: settings.databaseUrl, apiKey: data.apiKey } },
    settings.basePort + 3,
    settings.startupRuns,
    progress,
  );
  await dropDatabase(settings.emptyDatabaseUrl);

  // 3. Statements per operation, in process.
  progress('counting SQL statements per operation (in process, batched and naive)');
  const statements = await countOperationStatements(settings.databaseUrl, data.apiKey, operations);
  for (const operation of operations) {
    const counts = statements.get(operation)!;
    progress(`  ${label(operation)}: batched ${counts.batched}, naive ${counts.naive}`);
  }

  // 4. The servers: ours, then the peers (PostGraphile on views of the bench user's rows).
  const postgraphileVersion = ensurePeersInstalled(progress);
  await preparePeerSchema(settings.databaseUrl);
  progress('starting the batched gateway, the naive gateway, the raw-SQL server, PostGraphile and bare Apollo');
  const servers: Record<Column, Child> = {
    batched: await startGateway('batched', { databaseUrl: settings.databaseUrl, port: settings.basePort, naive: false }),
    naive: await startGateway('naive', { databaseUrl: settings.databaseUrl, port: settings.basePort + 1, naive: true }),
    raw: await startRawServer(settings.databaseUrl, settings.basePort + 2),
    postgraphile: await startPostgraphile(settings.databaseUrl, settings.basePort + 4),
    bareApollo: await startBareApollo(settings.basePort + 5),
  };
  let results: Results;
  try {
    progress('checking that naive and raw answer exactly what batched answers');
    const verified = await verify(servers, data.apiKey, operations);
    progress(`  ${operations.length} operations: identical answers in all three modes`);
    progress('checking that the peers return the rows batched returns, level by level');
    const answers = new Map([...verified].map(([operation, entry]) => [operation, entry.answer]));
    const peerVerdicts = await verifyPeers(servers, data.apiKey, operations, answers);
    for (const operation of operations) {
      const verdicts = Object.entries(peerVerdicts.get(operation) ?? {});
      const line = verdicts.map(([peer, verdict]) => `${PEER_LABELS[peer as Peer]} ${verdict.valuesCompared} values equal`).join(', ');
      progress(`  ${label(operation).padEnd(24)} ${line || 'no peer serves it'}`);
    }

    // 5. Load: warm-up, then rounds in which every cell runs once, the mode order rotating.
    const loadOperations = operations.filter((operation) => operation.load);
    const samples = new Map<string, LoadSample[]>();
    /** Statements per request as the gateways counted them during the measured rounds. */
    const underLoad = new Map<string, Array<number | null>>();
    const key = (operation: BenchOperation, mode: Column) => `${label(operation)}|${mode}`;
    // Warm-up and calibration: each cell sends a fixed number of requests per round, sized from
    // its warm-up throughput to last about BENCH_DURATION_S.
    progress(`warm-up: at least ${settings.warmupS} s per operation and mode, sizing each measurement to ~${settings.durationS} s`);
    const amounts = new Map<string, number>();
    for (const operation of loadOperations) {
      const line: string[] = [];
      for (const mode of columnsOf(operation)) {
        const { amount, rps } = await warmUp(servers[mode].url, data.apiKey, askedOf(operation, mode), {
          connections: settings.connections,
          seconds: settings.warmupS,
          durationS: settings.durationS,
        });
        amounts.set(key(operation, mode), amount);
        line.push(`${mode} ${rps.toFixed(0)} rps → ${amount} requests`);
      }
      progress(`  ${label(operation).padEnd(24)} ${line.join(' | ')}`);
    }
    for (let round = 0; round < settings.rounds; round++) {
      progress(`round ${round + 1}/${settings.rounds}`);
      for (const [index, operation] of loadOperations.entries()) {
        const columns = columnsOf(operation);
        const order = columns.map((_, k) => columns[(round + index + k) % columns.length]!);
        const line: string[] = [];
        for (const mode of order) {
          const before = isGateway(mode) ? await statementTally(servers[mode].url, operation.operationName) : null;
          const sample = await load(servers[mode].url, data.apiKey, askedOf(operation, mode), {
            connections: settings.connections,
            amount: amounts.get(key(operation, mode))!,
            serverPid: servers[mode].pid,
          });
          if (isGateway(mode)) {
            const mean = meanStatements(before, await statementTally(servers[mode].url, operation.operationName));
            underLoad.set(key(operation, mode), [...(underLoad.get(key(operation, mode)) ?? []), mean]);
          }
          samples.set(key(operation, mode), [...(samples.get(key(operation, mode)) ?? []), sample]);
          const stats = summarise([sample]);
          line.push(`${mode} ${stats.p50Ms} ms p50, ${stats.rps} rps, ${stats.serverCpuMs} ms CPU`);
        }
        progress(`  ${label(operation).padEnd(24)} ${line.join(' | ')}`);
      }
    }

    // 6. Balances: misses against hits, in sequence.
    progress(`balances: ${settings.balancePairs} sequential invalidate → miss → hit sequences per mode`);
    const balanceOperation = operations.find((operation) => operation.name === 'balancesMiss')!;
    const balances = await measureBalances(
      MODES.map((mode) => ({ mode, url: servers[mode].url })),
      data.apiKey,
      balanceOperation,
      settings.balancePairs,
      progress,
    );

    progress(`balances by ledger length: ${data.ledgerUsers.map((user) => user.ledgerEntries).join(' / ')} entries, ${settings.balancePairs} rounds`);
    const missByLedger = await measureMissByLedger(servers.batched.url, settings.databaseUrl, data.ledgerUsers, balanceOperation, settings.balancePairs, progress);

    const rssAfterLoadMb = Object.fromEntries(
      ([...MODES, ...PEERS] as const).map((mode) => [mode, round(rssMb(servers[mode].pid), 1)]),
    );

    // 7. Results.
    const operationResults: OperationResult[] = operations.map((operation) => {
      const counts = statements.get(operation)!;
      const { rawStatements, answerNodes } = verified.get(operation)!;
      let stats: Record<Mode, LoadStats>;
      const peers: Partial<Record<Peer, LoadStats>> = {};
      let measuredWith: string;
      if (operation.load) {
        stats = Object.fromEntries(MODES.map((mode) => [mode, summarise(samples.get(key(operation, mode))!)])) as Record<Mode, LoadStats>;
        for (const peer of peersServing(operation)) peers[peer] = summarise(samples.get(key(operation, peer))!);
        const columns = columnsOf(operation);
        measuredWith =
          `autocannon, ${settings.connections} connections, ${settings.rounds} rounds of ` +
          `${columns.map((column) => amounts.get(key(operation, column))).join('/')} requests (${columns.join('/')}, ~${settings.durationS} s each)`;
      } else {
        stats = Object.fromEntries(
          MODES.map((mode) => {
            const balance = balances.get(mode)!;
            return [mode, { p50Ms: balance.missP50Ms, p95Ms: balance.missP95Ms, rps: balance.missSequentialRps, requests: balance.pairs }];
          }),
        ) as Record<Mode, LoadStats>;
        measuredWith = 'sequential, 1 connection (each read preceded by invalidateBalanceCache)';
      }
      const serverSide = (mode: Mode) => {
        const means = (underLoad.get(key(operation, mode)) ?? []).filter((mean): mean is number => mean !== null);
        return means.length ? round(means.reduce((sum, mean) => sum + mean, 0) / means.length) : null;
      };
      const verdicts = peerVerdicts.get(operation) ?? {};
      const postgraphile = peerServing('postgraphile', operation);
      return {
        name: operation.name,
        pageSize: operation.pageSize,
        statements: {
          batched: counts.batched,
          naive: counts.naive,
          raw: rawStatements,
          ...(counts.byPageSize ? { byPageSize: counts.byPageSize } : {}),
          ...(operation.load ? { underLoad: { batched: serverSide('batched'), naive: serverSide('naive') } } : {}),
          ...(verdicts.postgraphile?.statements === undefined ? {} : { postgraphile: verdicts.postgraphile.statements }),
        },
        ...stats,
        ...peers,
        ...(postgraphile.served ? {} : { notServed: { postgraphile: postgraphile.reason } }),
        ...(Object.keys(verdicts).length
          ? {
              peerCheck: Object.fromEntries(
                Object.entries(verdicts).map(([peer, verdict]) => [peer, { valuesCompared: verdict.valuesCompared, answerNodes: verdict.answerNodes }]),
              ),
            }
          : {}),
        ratios: { ...ratiosOf(stats.batched, stats.naive, stats.raw), ...peerRatiosOf(stats.batched, peers) },
        measuredWith,
        answerNodes,
      };
    });
    const hit = operationResults.find((operation) => operation.name === 'balancesHit')!;
    const trivial = operationResults.find((operation) => operation.name === 'typename')!;
    const batchedBalances = balances.get('batched')!;
    const partial: Omit<Results, 'goals'> = {
      operations: operationResults,
      balances: {
        hitP50Ms: batchedBalances.hitP50Ms,
        missP50Ms: batchedBalances.missP50Ms,
        hitRps: hit.batched.rps,
        trivialRps: trivial.batched.rps,
        hitP95Ms: batchedBalances.hitP95Ms,
        missP95Ms: batchedBalances.missP95Ms,
        hitOverMiss: round(batchedBalances.hitP50Ms / batchedBalances.missP50Ms, 4),
        hitP50MsUnderLoad: hit.batched.p50Ms,
        ledgerEntries: data.scale.ledgerEntries,
        store: settings.redisUrl ? 'redis' : 'memory',
        note: 'hitP50Ms/missP50Ms: sequential invalidate → miss → hit over HTTP, one connection; hitRps and trivialRps: autocannon',
        byMode: Object.fromEntries(balances),
        missByLedger,
      },
      startup: {
        ...startup,
        rssAfterLoadMb,
        note: 'spawn (node dist/main.js) → first 200 on /health; RSS = VmRSS after one authenticated nested-items request; medians',
      },
      run: {
        scale: data.scale,
        counts: data.counts,
        databaseReused: data.reused,
        databaseBuildMs: data.buildMs,
        connections: settings.connections,
        durationS: settings.durationS,
        rounds: settings.rounds,
        warmupS: settings.warmupS,
        cache: settings.redisUrl ? 'redis' : 'memory',
        peers: {
          postgraphile: `postgraphile ${postgraphileVersion}, PostGraphileAmberPreset, grafserv node, pool 10, NODE_ENV=production, on ${process.version} with a Promise.withResolvers polyfill; views of the bench user's rows (bench/peer-schema.ts), API-key hash via pgSettings`,
          bareApollo: '@apollo/server 5 startStandaloneServer (node:http, cors, body-parser), schema `type Query { ok: Boolean }`, no plugins of ours, NODE_ENV=production',
        },
        gatewayEnv: Object.fromEntries(
          Object.entries(gatewayEnv({ databaseUrl: '', port: settings.basePort, naive: false })).filter(
            ([name]) => !['PATH', 'HOME', 'DATABASE_URL', 'REDIS_URL'].includes(name),
          ),
        ),
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        loadAverageBefore: loadBefore.map((value) => round(value)),
        loadAverageAfter: os.loadavg().map((value) => round(value)),
        // The share of the machine's CPU time its hypervisor gave to others during the run: a
        // high figure means every timing of the run (not its ratios) is slow.
        stealPercent: stealPercentSince(machineBefore),
        wallSeconds: round((performance.now() - began) / 1000, 1),
        finishedAt: new Date().toISOString(),
      },
    };
    results = { ...partial, goals: judgeGoals(partial) };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }

  const files = writeResults(settings.resultsDir, results);
  console.log(`\n${table(results)}\n`);
  progress(`wrote ${files.json} and ${files.svg}; total ${results.run.wallSeconds} s, ${String(results.run.stealPercent)} % of the machine's CPU time stolen by its hypervisor`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
