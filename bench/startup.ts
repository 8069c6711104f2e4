// Startup time and memory of the gateway on an empty database and on the full benchmark
// database: spawn → first 200 on /health, then one authenticated request (a page of nested
// items: empty on the empty database), then VmRSS of the node process. Spawns alternate between
// the two databases; the median of each is reported. One spawn before them is discarded (it
// warms the page cache and the database's buffers, which would otherwise favour the second).
import { startGateway, rssMb } from './processes';
import { dataOf } from './http';
import { NESTED_ITEMS } from './operations';
import { round } from './load';

export interface StartupStats {
  emptyMs: number;
  fullMs: number;
  emptyRssMb: number;
  fullRssMb: number;
  samples: { database: 'empty' | 'full'; ms: number; rssMb: number }[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function measureStartup(
  databases: { empty: { url: string; apiKey: string }; full: { url: string; apiKey: string } },
  port: number,
  runs: number,
  progress: (line: string) => void,
): Promise<StartupStats> {
  const warmRequest = { name: 'startup warm request', operationName: 'NestedItems', query: NESTED_ITEMS, variables: { n: 10 } };
  const once = async (database: 'empty' | 'full') => {
    const { url, apiKey } = databases[database];
    const gateway = await startGateway(`startup-${database}`, { databaseUrl: url, port, naive: false });
    try {
      await dataOf(gateway.url, apiKey, warmRequest);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { database, ms: round(gateway.startupMs, 0), rssMb: round(rssMb(gateway.pid), 1) };
    } finally {
      await gateway.stop();
    }
  };

  await once('full'); // discarded
  const samples: StartupStats['samples'] = [];
  for (let run = 0; run < runs; run++) {
    for (const database of run % 2 === 0 ? (['empty', 'full'] as const) : (['full', 'empty'] as const)) {
      const sample = await once(database);
      samples.push(sample);
      progress(`  startup on the ${database} database: ${sample.ms} ms, RSS ${sample.rssMb} MB`);
    }
  }
  const of = (database: 'empty' | 'full') => samples.filter((sample) => sample.database === database);
  return {
    emptyMs: round(median(of('empty').map((sample) => sample.ms)), 0),
    fullMs: round(median(of('full').map((sample) => sample.ms)), 0),
    emptyRssMb: round(median(of('empty').map((sample) => sample.rssMb)), 1),
    fullRssMb: round(median(of('full').map((sample) => sample.rssMb)), 1),
    samples,
  };
}
