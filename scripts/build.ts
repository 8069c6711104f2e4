/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and copies the generated GraphiQL
 * bundle beside it, so `npm run start:prod` runs plain node with no TypeScript tooling loaded.
 * The benchmark and the soak call `buildDist` first: they measure what production runs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** What production starts, relative to the repository (`npm run start:prod`, the bench, the soak). */
export const DIST_ENTRY = path.join('dist', 'main.js');

/** Rebuilds `<root>/dist`. */
export function buildDist(root = ROOT): void {
  const dist = path.join(root, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const graphiql = path.join(root, 'src', 'generated', 'graphiql');
  if (fs.existsSync(graphiql)) fs.cpSync(graphiql, path.join(dist, 'generated', 'graphiql'), { recursive: true });
  else process.stderr.write('note: no GraphiQL bundle to copy (run `npm run generate`); /graphiql will say so\n');
}

if (require.main === module) {
  const started = Date.now();
  buildDist();
  process.stdout.write(`built dist/ in ${Date.now() - started} ms; run it with: npm run start:prod\n`);
}
