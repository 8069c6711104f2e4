import { defineConfig } from 'prisma/config';

// The CLI is only used for `prisma generate` here (see scripts/migrate.ts for migrations),
// so the URL may be empty; the runtime passes a driver adapter instead.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
