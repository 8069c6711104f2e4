import { leanTable } from '../../db/lean-table';

/** A position as lean reads see it (see db/lean-table.ts). */
export const POSITION_ROW = leanTable({
  alias: 'p',
  columns: {
    id: 'plain', accountId: 'plain', symbol: 'plain', side: 'plain', quantity: 'decimal', entryPrice: 'decimal', status: 'plain',
    stopLoss: 'decimal', takeProfit: 'decimal', openedAt: 'timestamp', closedAt: 'timestamp', exitPrice: 'decimal', realizedPnl: 'decimal',
  },
  // The valuation fields (prices module) take the symbol's price and value the row's text decimals.
  fields: {
    account: ['accountId'], orders: [], markPrice: ['symbol'], markPriceAt: ['symbol'],
    unrealizedPnl: ['symbol', 'status', 'side', 'quantity', 'entryPrice'],
  },
});
