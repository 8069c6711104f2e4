// The soak's users: set up through the gateway before the workload, each with the model of what
// its data should be; read once more after it.
import { createApiKey } from '../../src/auth/api-keys';
import { openDatabase } from '../../src/db/database';
import type { GatewayProcess } from './gateways';
import { balanceEffect, call, DOCUMENTS, idOf } from './graphql';
import { BalanceModel, dec, recordsAfterDeposit, show, zero, type ExpectedRecords } from './model';
import type { SoakSettings } from './settings';

const INITIAL_DEPOSIT = dec(100_000);

/** One user of the workload: its credentials and ids, and what the soak expects of its data. */
export interface Trader {
  index: number;
  userId: number;
  key: string;
  accountGid: string;
  accountId: number;
  sessionGid: string;
  sessionId: number;
  balances: BalanceModel;
  expected: ExpectedRecords;
}

/** The users, each with an API key, an account holding the initial deposit, a trading session and items to read. */
export async function setUpTraders(settings: SoakSettings, gateway: GatewayProcess): Promise<Trader[]> {
  const db = await openDatabase({ url: settings.databaseUrl, poolMax: 2 });
  const traders: Trader[] = [];
  try {
    // The balance cache's keys name the user id only, not the database: other deployments on the
    // same Redis (test runs, benchmarks) have users 1, 2, 3… Ids far from theirs keep apart.
    const firstId = 1_000_000_000 + (Date.now() % 1_000_000) * 1_000;
    for (let index = 0; index < settings.users; index++) {
      const user = await db.prisma.user.create({ data: { id: firstId + index, username: `soak-${firstId}-${index}` } });
      const { key } = await createApiKey(db.prisma, user.id, 'soak');
      const setup = async (query: string, variables: Record<string, unknown> = {}) => {
        const answer = await call(gateway.url, key, query, variables);
        if (!answer.ok) throw new Error(`setting up user ${index}: ${answer.message ?? answer.status}`);
        return answer.data;
      };
      const accountGid = (await setup(DOCUMENTS.createAccount)).createExchangeAccount.account.id as string;
      await setup(DOCUMENTS.deposit, { account: accountGid, amount: INITIAL_DEPOSIT.toFixed(), ref: 'initial' });
      const sessionGid = (await setup(DOCUMENTS.startSession, { key: `soak-bot-${index}` })).startTradingSession.id as string;
      for (let item = 0; item < 10; item++) {
        const dfid = `SOAK-${firstId}-${index}-${item}`;
        await setup(DOCUMENTS.storeItem, { dfid, value: `lot-${item}` });
        for (let event = 0; event < 3; event++) await setup(DOCUMENTS.recordEvent, { dfid, type: `STEP_${event}` });
      }
      traders.push({
        index,
        userId: user.id,
        key,
        accountGid,
        accountId: idOf(accountGid),
        sessionId: idOf(sessionGid),
        sessionGid,
        balances: new BalanceModel({ ...zero(), total: INITIAL_DEPOSIT }, settings.workersPerUser),
        expected: recordsAfterDeposit('initial', INITIAL_DEPOSIT),
      });
    }
  } finally {
    await db.close();
  }
  return traders;
}

/** Each user's balances read on each instance once the load is over: they must equal the model exactly. */
export async function compareFinalBalances(gateways: readonly GatewayProcess[], traders: Trader[]): Promise<string[]> {
  const differences: string[] = [];
  for (const trader of traders) {
    const expected = JSON.stringify(show(trader.balances.final()));
    for (const gw of gateways) {
      const answer = await call(gw.url, trader.key, DOCUMENTS.balances);
      if (!answer.ok) {
        differences.push(`user ${trader.index} on ${gw.name}: ${answer.message}`);
        continue;
      }
      const observed = JSON.stringify(show(balanceEffect(answer)));
      if (observed !== expected) differences.push(`user ${trader.index} on ${gw.name}: ${observed} vs ${expected}`);
    }
  }
  return differences;
}
