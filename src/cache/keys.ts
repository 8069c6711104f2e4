/**
 * Every cache key the gateway uses, built in one place. Each includes the user it belongs to,
 * so one user's entry can never be read under another user's key.
 */
export const cacheKeys = {
  /** Replaced whenever an instance recovers from a store outage: invalidates every summary at once. */
  balanceEpoch: 'balances:epoch',
  /** The current validity token of a user's balance summary (see BalanceSummaryCache). */
  balanceToken: (userId: number) => `balances:token:${userId}`,
  /** A user's cached balance summary, stamped with the token it was computed under. */
  balanceSummary: (userId: number) => `balances:summary:${userId}`,
  balanceSummaryPrefix: 'balances:summary:',
} as const;
