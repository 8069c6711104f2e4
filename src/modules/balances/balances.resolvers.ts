import { Prisma } from '../../generated/prisma/client';
import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { quoteAssetOf } from '../exchange/ledger';
import { unrealizedPnlOf } from '../prices/valuation';
import { balanceSummaryFor } from './balance-summary';
import { ACCOUNT_ROW } from '../exchange/account-row';
import type { BalanceSummaryModel } from './balances.models';

/**
 * The viewer's summary through the versioned cache: after a commit, as of that commit or later. A
 * summary computed for this request hands its accounts' rows to the request's loader.
 */
export async function viewerBalances({ viewer, prisma, balanceCache, loaders }: Pick<Context, 'viewer' | 'prisma' | 'balanceCache' | 'loaders'>): Promise<BalanceSummaryModel> {
  const { value, fromCache } = await balanceCache.get(viewer.id, () =>
    balanceSummaryFor(prisma, viewer.id, (account) => loaders.accountById.prime(account, ACCOUNT_ROW.everyColumn)),
  );
  return { ...value, fromCache };
}

const balancesAfterCommit = { balances: (_: unknown, __: unknown, context: Context) => viewerBalances(context) };

export const balanceResolvers: Resolvers = {
  Query: {
    balances: (_, __, context) => viewerBalances(context),
    balanceCacheMetrics: (_, __, { viewer, balanceCache }) => balanceCache.metrics(viewer.id),
  },
  Mutation: {
    invalidateBalanceCache: async (_, __, { viewer, balanceCache }) => {
      await balanceCache.invalidate(viewer.id);
      return true;
    },
  },
  // Every payload's summary is read after its mutation committed (the version moved inside the commit).
  CreateExchangeAccountPayload: balancesAfterCommit,
  DepositPayload: balancesAfterCommit,
  WithdrawPayload: balancesAfterCommit,
  CreateOrderPayload: balancesAfterCommit,
  CancelOrderPayload: balancesAfterCommit,
  ClosePositionPayload: balancesAfterCommit,
  RecordMarkPricesPayload: balancesAfterCommit,
  BalanceSummary: {
    // One summary per viewer: the same id on every read, so client caches merge it in place.
    id: (_, __, { viewer }) => toGlobalId('BalanceSummary', viewer.id),
    realizedPnl: ({ realizedPnlByAsset }) => (realizedPnlByAsset.length > 1 ? null : (realizedPnlByAsset[0]?.amount ?? '0')),
    openPositions: ({ exposures }) => exposures.reduce((sum, exposure) => sum + exposure.positions, 0),
    // Prices are read now, never cached: the cached exposures valued at the current marks.
    equity: async ({ assets, exposures }, _, { loaders }) => {
      const marks = await Promise.all(exposures.map((exposure) => loaders.markPriceBySymbol.load(exposure.symbol)));
      const perQuote = new Map<string, { balance: Prisma.Decimal; cost: Prisma.Decimal; unrealizedPnl: Prisma.Decimal; openPositions: number; unpricedPositions: number }>();
      const entryOf = (asset: string) => {
        let entry = perQuote.get(asset);
        if (!entry) {
          entry = { balance: new Prisma.Decimal(0), cost: new Prisma.Decimal(0), unrealizedPnl: new Prisma.Decimal(0), openPositions: 0, unpricedPositions: 0 };
          perQuote.set(asset, entry);
        }
        return entry;
      };
      for (const { asset, total } of assets) entryOf(asset).balance = new Prisma.Decimal(total);
      exposures.forEach((exposure, index) => {
        const entry = entryOf(quoteAssetOf(exposure.symbol));
        const mark = marks[index];
        entry.cost = entry.cost.plus(exposure.cost);
        entry.openPositions += exposure.positions;
        if (mark) entry.unrealizedPnl = entry.unrealizedPnl.plus(unrealizedPnlOf(exposure.side, exposure.quantity, exposure.cost, mark.price));
        else entry.unpricedPositions += exposure.positions;
      });
      return [...perQuote]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, entry]) => ({
          asset,
          balance: entry.balance.toFixed(),
          unrealizedPnl: entry.unrealizedPnl.toFixed(),
          equity: entry.balance.plus(entry.cost).plus(entry.unrealizedPnl).toFixed(),
          openPositions: entry.openPositions,
          unpricedPositions: entry.unpricedPositions,
        }));
    },
  },
  AccountBalance: {
    account: (balance, _, { loaders }, info) => loaders.accountById.load(balance.accountId, info).then((account) => account!),
  },
};
