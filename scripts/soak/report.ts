// The soak's figures: latencies by kind of operation and per progress interval.
import { performance } from 'node:perf_hooks';

export const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
export const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

export interface IntervalFigures {
  untilS: number;
  operations: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Every operation's latency, by kind for the totals and since the last progress line for the timeline. */
export class Latencies {
  readonly byKind = new Map<string, number[]>();
  readonly timeline: IntervalFigures[] = [];
  private interval: number[] = [];
  private intervalStart = performance.now();

  constructor(private readonly workloadStart: number) {}

  record(kind: string, ms: number): void {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = []));
    list.push(ms);
    this.interval.push(ms);
  }

  /** Ends the current interval: its figures join the timeline. */
  closeInterval(): IntervalFigures {
    const sorted = this.interval.sort((a, b) => a - b);
    const seconds = (performance.now() - this.intervalStart) / 1000;
    const figures = {
      untilS: round((performance.now() - this.workloadStart) / 1000, 0),
      operations: sorted.length,
      perSecond: round(sorted.length / Math.max(0.001, seconds)),
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
    };
    this.timeline.push(figures);
    this.interval = [];
    this.intervalStart = performance.now();
    return figures;
  }

  /** The last interval, unless the last progress line closed it with nothing after. */
  closeLastInterval(): void {
    if (this.interval.length) this.closeInterval();
  }
}
