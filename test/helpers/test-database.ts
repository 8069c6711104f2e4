import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { seedDemoData } from '../../src/demo/seed';

// Tests run against PostgreSQL when DATABASE_URL is set (CI), else against embedded PGlite.
// Either way each test file gets its own copy of one migrated, seeded template.

export const serverUrl = process.env.DATABASE_URL || undefined;
export const usingPostgres = serverUrl !== undefined;

const templateDir = () => path.join(os.tmpdir(), `gateway-test-template-${process.env.JEST_RUN_ID ?? "local"}`);
const templateDbName = () => `${new URL(serverUrl!).pathname.slice(1)}_template`;

function withDatabase(url: string, name: string): string {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Builds the template every test file copies: migrated, with the demo data. Run once per jest run. */
export async function buildTemplate(): Promise<void> {
  if (usingPostgres) {
    const name = templateDbName();
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    });
    const db = await openDatabase({ url: withDatabase(serverUrl!, name), poolMax: 2 });
    await db.migrate();
    await seedDemoData(db.prisma);
    await db.close();
  } else {
    await rm(templateDir(), { recursive: true, force: true });
    const db = await openDatabase({ dataDir: templateDir() });
    await db.migrate();
    await seedDemoData(db.prisma);
    await db.close();
  }
}

export async function dropTemplate(): Promise<void> {
  if (usingPostgres) await admin((client) => client.query(`DROP DATABASE IF EXISTS "${templateDbName()}" WITH (FORCE)`));
  else await rm(templateDir(), { recursive: true, force: true });
}

export interface TestDatabase extends Database {
  /** Connection URL (PostgreSQL) or data folder (PGlite) of this copy, for a second server. */
  readonly location: { url?: string; dataDir?: string };
}

let copies = 0;

/** A private copy of the template for one test file; `close()` also deletes it. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const suffix = `${process.pid}_${Date.now().toString(36)}_${copies++}`;
  if (usingPostgres) {
    const name = `${templateDbName().replace(/_template$/, '')}_t${suffix}`;
    await admin(async (client) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDbName()}"`);
          return;
        } catch (error) {
          // Two files copying the template at the same instant collide; try again shortly.
          if (attempt >= 10 || !/being accessed by other users/.test(String(error))) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    });
    const url = withDatabase(serverUrl!, name);
    const db = await openDatabase({ url, poolMax: 10 });
    return {
      ...db,
      location: { url },
      close: async () => {
        await db.close();
        await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-test-'));
  await cp(templateDir(), dataDir, { recursive: true });
  await rm(path.join(dataDir, 'server.lock'), { force: true });
  const db = await openDatabase({ dataDir });
  return {
    ...db,
    location: { dataDir },
    close: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another connection to the same database, as a second gateway instance would have: its own
 * pool on PostgreSQL. Embedded PGlite belongs to one process, so there the instances share it;
 * closing the second connection leaves the first one open.
 */
export async function secondConnection(db: TestDatabase): Promise<TestDatabase> {
  if (db.location.url) {
    const other = await openDatabase({ url: db.location.url, poolMax: 10 });
    return { ...other, location: db.location };
  }
  return { ...db, close: async () => undefined };
}
