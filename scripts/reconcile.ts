// npm run reconcile: checks every running balance against the ledger and the open orders, and
// prints each difference by account and asset. Exits 1 when there is any.
import { reconcileRunningBalances } from '../src/modules/exchange/reconcile';
import { openConfiguredDatabase, runCommand } from './open-configured-database';

runCommand(async () => {
  const db = await openConfiguredDatabase();
  try {
    const { rows, differences } = await reconcileRunningBalances(db.prisma);
    for (const d of differences) {
      process.stdout.write(`account ${d.accountId} ${d.asset} ${d.field}: running ${d.running}, ledger ${d.expected}\n`);
    }
    process.stdout.write(`${rows} running balances checked, ${differences.length} differences\n`);
    if (differences.length > 0) throw new Error('running balances differ from the ledger');
  } finally {
    await db.close();
  }
});
