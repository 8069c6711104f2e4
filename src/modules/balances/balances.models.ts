import type { AccountBalanceData, BalanceSummaryData } from './balance-summary';

// What the balances module's GraphQL types receive as parent (codegen mappers).
/** A summary as the cache holds it (plain JSON), plus whether this read came from the cache. */
export type BalanceSummaryModel = BalanceSummaryData & { fromCache: boolean };
export type AccountBalanceModel = AccountBalanceData;
