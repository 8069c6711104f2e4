/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/helpers/builtin-import-transform.js',
  },
  // Everything else in node_modules runs as published.
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/dist/)'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 60_000,
  // Each file gets its own database (a copy of a migrated, seeded template), so files may run in parallel.
  maxWorkers: 2,
};
