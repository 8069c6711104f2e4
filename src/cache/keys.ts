/**
 * Every cache key the gateway uses, built in one place. Each includes the user it belongs to,
 * so one user's entry can never be read under another user's key.
 */
export const cacheKeys = {
  /** A user's cached balance summary, stamped with the balance version it was computed under. */
  balanceSummary: (userId: number) => `balances:summary:${userId}`,
  balanceSummaryPrefix: 'balances:summary:',
} as const;
