import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createClient } from '@keyv/redis';

// Servers a fault test owns, on spare ports: outages are made on these, never on the shared ones.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port free on 127.0.0.1 right now. */
export async function sparePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** A private redis-server on a spare port: outage tests never touch the shared one. */
export class PrivateRedis {
  private process: ChildProcess | null = null;
  /** With `dataDir`, it keeps its data across restarts (an append-only file, synced on every write). */
  constructor(
    readonly port: number,
    readonly dataDir?: string,
  ) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dataDir?: string): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await sparePort(), dataDir);
    await redis.up();
    return redis;
  }

  async up(): Promise<void> {
    const persistence = this.dataDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dataDir] : ['--appendonly', 'no'];
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await this.command(['PING']).then(() => true, () => false)) return;
      await sleep(100);
    }
    throw new Error('private redis-server did not start');
  }

  async down(): Promise<void> {
    if (!this.process) return;
    const exited = new Promise((resolve) => this.process?.once('exit', resolve));
    this.process.kill('SIGKILL');
    await exited;
    this.process = null;
  }

  /** SIGSTOP / SIGCONT: the server keeps its connections but answers nothing (a hung Redis). */
  freeze(frozen: boolean) {
    this.process?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async command(args: string[]): Promise<unknown> {
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.sendCommand(args);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
