import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where `npm run generate` (src/http/graphiql/build.ts) writes the GraphiQL browser bundle.
 * Generated, gitignored, never edited by hand, like the rest of src/generated.
 */
export const GRAPHIQL_ASSETS_DIR = path.join(__dirname, '..', '..', 'generated', 'graphiql');

/** The files the page loads, all from the gateway itself. */
export const GRAPHIQL_ASSET_FILES = ['graphiql.js', 'graphiql.css'] as const;

/** Whether the bundle has been built into `dir`. */
export function graphiqlAssetsBuilt(dir: string = GRAPHIQL_ASSETS_DIR): boolean {
  return GRAPHIQL_ASSET_FILES.every((file) => existsSync(path.join(dir, file)));
}
