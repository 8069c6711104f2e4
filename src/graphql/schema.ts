import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The contract, read once from the top-level schema.graphql (schema-first). */
export const typeDefs = readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
