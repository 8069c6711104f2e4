import { buildTemplate } from './test-database';

export default async function globalSetup(): Promise<void> {
  process.env.JEST_RUN_ID = String(process.pid);
  await buildTemplate();
}
