import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/database';

/**
 * Opens and migrates the database the configuration points at, for operator commands.
 * An embedded database held by a running server is refused with a message saying so.
 */
export async function openConfiguredDatabase(): Promise<Database> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, poolMax: 2, dataDir: config.dataDir });
  try {
    await db.migrate();
  } catch (error) {
    await db.close().catch(() => {}); // release the data folder; the migration error is the one to report
    throw error;
  }
  return db;
}

/** Runs an operator command, printing a one-line error (no stack) and exiting 1 on failure. */
export function runCommand(command: () => Promise<void>): void {
  command().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
