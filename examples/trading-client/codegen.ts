import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations for the example, with GraphQL Code Generator's client preset: every
 * `graphql(`…`)` in src/ gets its result and variables types, and (persistedDocuments) the
 * SHA-256 hash of its text, which is what Apollo's automatic persisted queries send.
 * Run from the repository root: `npm run example:codegen`. Paths are relative to this file,
 * so it also runs from here: `npx graphql-codegen --config codegen.ts`.
 */
const here = (...parts: string[]) => path.relative(process.cwd(), path.join(__dirname, ...parts)) || '.';

const config: CodegenConfig = {
  schema: here('..', '..', 'schema.graphql'),
  documents: [here('src', '**', '*.ts'), `!${here('src', 'gql', '**')}`],
  ignoreNoDocuments: false,
  generates: {
    [`${here('src', 'gql')}/`]: {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        documentMode: 'string',
        // Only the types the operations use (their enums and inputs), not the whole schema.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Decimal: 'string', JSON: 'unknown', ID: 'string', TradeDirection: { input: 'string | number', output: 'string' } },
      },
    },
  },
};

export default config;
