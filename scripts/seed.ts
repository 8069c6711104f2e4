// npm run seed: inserts the demo data set (deterministic; running it again changes nothing).
import { seedDemoData } from '../src/demo/seed';
import { openConfiguredDatabase, runCommand } from './open-configured-database';

runCommand(async () => {
  const db = await openConfiguredDatabase();
  try {
    const summary = await seedDemoData(db.prisma);
    process.stdout.write(summary.skipped ? 'Demo data already present: nothing to do.\n' : `Seeded demo data: ${JSON.stringify(summary)}\n`);
  } finally {
    await db.close();
  }
});
