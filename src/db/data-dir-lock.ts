/**
 * A pid lock file for the embedded database folder: `<dataDir>/server.lock`.
 *
 * PGlite does not notice a second process opening the same data folder; both would write to it and corrupt it.
 * So whoever opens the folder (the server, `npm run db:migrate`) first writes its pid here. A lock whose pid is
 * no longer alive is stale (a crash, a kill -9) and is replaced.
 */
import fs from 'node:fs';
import path from 'node:path';

const LOCK_NAME = 'server.lock';

/** Lock files held by this process, so a second open of the same folder in-process is refused too. */
const heldHere = new Set<string>();

function lockPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), LOCK_NAME);
}

function inUseError(dataDir: string, pid: number): Error {
  return new Error(
    `The embedded database in ${path.resolve(dataDir)} is in use by a running server (pid ${pid}). ` +
      'Stop the server, or set DATABASE_URL to use PostgreSQL.',
  );
}

/** The pid recorded in the lock file, or undefined when there is no (readable, well-formed) lock. */
function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}

/**
 * The pid of another live process holding the folder, or undefined. Our own pid in the file counts as stale
 * unless this process really holds it: in a container the server is often pid 1 on every start, so a lock
 * left by a crash would otherwise block every restart.
 */
function liveHolder(dataDir: string): number | undefined {
  const pid = readPid(lockPath(dataDir));
  if (pid === undefined || pid === process.pid || !isAlive(pid)) return undefined;
  return pid;
}

/**
 * Creates `file` with `content`, failing with EEXIST if it exists, so two processes starting together cannot
 * both win. The content goes into a private temp file that is hard-linked into place, so nobody ever reads a
 * half-written lock (which would look stale). Without hard links (some mounted file systems), falls back to an
 * exclusive create, where that short window exists.
 */
function createExclusive(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    fs.writeFileSync(file, content, { flag: 'wx' });
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Throws the "in use by a running server" error if another live process holds `dataDir`; takes nothing. */
export function assertDataDirFree(dataDir: string): void {
  const pid = liveHolder(dataDir);
  if (pid !== undefined) throw inUseError(dataDir, pid);
}

/**
 * Takes the lock on `dataDir` (creating the folder if needed) and returns its release function, which is
 * idempotent and removes the file only while it still holds our pid. Throws if another live process holds it,
 * or if this process already does.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = lockPath(dataDir);
  if (heldHere.has(file)) throw new Error(`The embedded database in ${path.resolve(dataDir)} is already open in this process.`);
  fs.mkdirSync(path.dirname(file), { recursive: true });

  // On a stale lock: remove it and try again; if another process took it meanwhile, the next round sees that
  // process as the holder. (Two processes replacing the same stale lock at the same instant could both win; that
  // narrow race is accepted for a local embedded database.)
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(file, `${process.pid}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
      const pid = liveHolder(dataDir);
      if (pid !== undefined) throw inUseError(dataDir, pid);
      fs.rmSync(file, { force: true });
    }
  }

  heldHere.add(file);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldHere.delete(file);
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  };
}
