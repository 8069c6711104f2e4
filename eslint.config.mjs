// Lint: the layers and the conventions that review keeps asking for (run by `npm run lint` and CI).
// Cycles and the full dependency rules are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Cross-cutting layers: they serve every module, so they never reach into one. */
const LAYERS_BELOW_MODULES = ['src/db/**', 'src/cache/**', 'src/pagination/**', 'src/graphql/**', 'src/http/**', 'src/auth/**', 'src/observability/**'];

export default tseslint.config(
  { ignores: ['src/generated/**', 'dist/**', 'examples/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      // Named exports only: one name per thing, the same at every import.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: LAYERS_BELOW_MODULES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/modules', '**/modules/**'], message: 'Cross-cutting layers never import a domain module: pass what they need in.' },
            { group: ['**/context'], message: 'Cross-cutting layers never import the request context: take the narrow type they use.' },
          ],
        },
      ],
    },
  },
  // Tools that require a default export.
  { files: ['codegen.ts', 'prisma.config.ts', 'test/helpers/global-setup.ts', 'test/helpers/global-teardown.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
