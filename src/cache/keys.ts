/**
 * Every cache key the gateway uses, built in one place. Each includes the user it belongs to,
 * so one user's entry can never be read under another user's key.
 */
export const cacheKeys = {
  /**
   * A user's cached balance summary, stamped with the balance version it was computed under. The
   * `v2` is the summary's shape (exposures added): a deploy never reads an older shape.
   */
  balanceSummary: (userId: number) => `balances:summary:v2:${userId}`,
  balanceSummaryPrefix: 'balances:summary:v2:',
} as const;
