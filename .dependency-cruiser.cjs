// The layers of src/ (npm run lint, and CI): cross-cutting parts never import a domain module or
// the request context, modules are reached only through their descriptors' list, and no cycles.
const CROSS_CUTTING = '^src/(db|cache|pagination|graphql|http|auth|observability|events)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and hides which part depends on which.',
      // Type-only imports vanish at run time; codegen's resolver types legitimately point back at the models.
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'type-import'] } },
    },
    {
      name: 'layers-never-import-modules',
      severity: 'error',
      comment: 'db/, cache/, pagination/, graphql/, http/, auth/, observability/ and events/ serve every module: they take what they need as parameters.',
      from: { path: CROSS_CUTTING },
      to: { path: ['^src/modules/', '^src/context\\.ts$', '^src/server\\.ts$', '^src/gateway\\.ts$'] },
    },
    {
      name: 'modules-do-not-reach-into-the-app',
      severity: 'error',
      comment: 'A module knows the layers and other modules, not the server that hosts it.',
      from: { path: '^src/modules/' },
      to: { path: ['^src/server\\.ts$', '^src/gateway\\.ts$', '^src/main\\.ts$'] },
    },
    {
      name: 'generated-code-is-imported-not-importing',
      severity: 'error',
      from: { path: '^src/' , pathNot: '^src/generated/' },
      to: { path: '^src/generated/graphiql/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/generated/prisma/' },
  },
};
