// The PostGraphile peer is installed apart from the gateway, in bench/peers (its README says
// why), on the first run that needs it: `npm ci` from its own lockfile, so every run measures
// the same PostGraphile. npm's engine warnings are kept at `error` level: PostGraphile declares
// Node >= 22 and runs here on Node 20 with one polyfill, which the run states once instead.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PEERS_DIR = path.resolve(__dirname, 'peers');

const declared = (): string =>
  (JSON.parse(fs.readFileSync(path.join(PEERS_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies
    .postgraphile!;

function installed(): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PEERS_DIR, 'node_modules', 'postgraphile', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Installs bench/peers when PostGraphile is missing or not the declared version; returns that version. */
export function ensurePeersInstalled(log: (line: string) => void): string {
  const version = declared();
  if (installed() !== version) {
    log(`installing the PostGraphile peer ${version} into bench/peers (npm ci, first run only)`);
    execFileSync('npm', ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const engines = (JSON.parse(fs.readFileSync(path.join(PEERS_DIR, 'node_modules', 'postgraphile', 'package.json'), 'utf8')) as { engines?: { node?: string } })
    .engines?.node;
  log(`PostGraphile ${version} (declares node ${engines ?? '?'}) on Node ${process.version}, with a Promise.withResolvers polyfill`);
  return version;
}
