import net from 'node:net';

type Pair = { client: net.Socket; upstream: net.Socket | null; sawInsert?: boolean };

/** PostgreSQL's CommandComplete tag of an INSERT, and ReadyForQuery reporting "idle" (committed). */
const INSERT_TAG = Buffer.from('INSERT 0 ');
const READY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

/**
 * Forwards TCP to a server (PostgreSQL in the fault tests) until cut: an outage made on a
 * connection the test owns, without touching the shared server. `reset` destroys every
 * connection and refuses new ones (the server went away); `blackhole` stops forwarding bytes in
 * both directions and leaves new connections hanging (a partition, or a frozen server).
 * `restore` heals: in blackhole mode the held connections resume, with whatever was sent
 * meanwhile, as after a real partition.
 */
export class TcpProxy {
  private mode: 'open' | 'reset' | 'blackhole' = 'open';
  private armed: (() => void) | null = null;
  private readonly pairs = new Set<Pair>();
  private server!: net.Server;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  /** A started proxy to the PostgreSQL server of `databaseUrl`. */
  static toPostgres(databaseUrl: string): Promise<TcpProxy> {
    const target = new URL(databaseUrl);
    return new TcpProxy(target.hostname, Number(target.port || 5432)).start();
  }

  /** `url` (of a database on the target server) with the proxy in place of the server. */
  via(url: string): string {
    const proxied = new URL(url);
    proxied.host = `127.0.0.1:${this.port}`;
    return proxied.toString();
  }

  async start(): Promise<this> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  private accept(client: net.Socket) {
    client.on('error', () => undefined);
    if (this.mode === 'reset') return void client.destroy();
    const pair: Pair = { client, upstream: null };
    this.pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    if (this.mode === 'blackhole') return void client.pause();
    this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair) {
    const upstream = net.connect(this.targetPort, this.host);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => pair.client.destroy());
    pair.client.pipe(upstream).pipe(pair.client);
    // After pipe's own listener: the chunk is already on its way to the client when we cut.
    upstream.on('data', (chunk: Buffer) => this.watch(pair, chunk));
  }

  /**
   * Partitions (blackhole) right after the server reports that a transaction holding an INSERT
   * has committed, before the client can send anything else: PostgreSQL failing between a
   * commit and whatever statement would follow it. Resolves once cut.
   */
  cutAfterNextInsertCommits(): Promise<void> {
    return new Promise((resolve) => (this.armed = resolve));
  }

  private watch(pair: Pair, chunk: Buffer) {
    if (!this.armed) return;
    const insert = chunk.indexOf(INSERT_TAG);
    if (insert >= 0) pair.sawInsert = true;
    if (!pair.sawInsert || chunk.indexOf(READY_IDLE, Math.max(0, insert)) < 0) return;
    const done = this.armed;
    this.armed = null;
    pair.sawInsert = false;
    this.cut('blackhole');
    done();
  }

  cut(mode: 'reset' | 'blackhole') {
    this.mode = mode;
    for (const pair of this.pairs) {
      if (mode === 'reset') {
        pair.client.destroy();
        pair.upstream?.destroy();
      } else {
        pair.client.unpipe();
        pair.upstream?.unpipe();
        pair.client.pause();
        pair.upstream?.pause();
      }
    }
  }

  restore() {
    const wasBlackhole = this.mode === 'blackhole';
    this.mode = 'open';
    if (!wasBlackhole) return;
    for (const pair of this.pairs) {
      if (pair.client.destroyed) continue;
      if (!pair.upstream) this.connectUpstream(pair);
      else pair.client.pipe(pair.upstream).pipe(pair.client);
    }
  }

  async close() {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
