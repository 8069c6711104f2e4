import { leanTable } from '../../db/lean-table';

/** A trading session as lean reads see it (see db/lean-table.ts). */
export const SESSION_ROW = leanTable({
  alias: 's',
  columns: {
    id: 'plain', userId: 'plain', sessionKey: 'plain', status: 'plain', startedAt: 'timestamp', endedAt: 'timestamp', endReason: 'plain',
    initialBalance: 'decimal', currentBalance: 'decimal', finalBalance: 'decimal', lastHeartbeatAt: 'timestamp', symbols: 'plain',
    recovered: 'plain', totalTrades: 'plain', totalPnl: 'decimal',
  },
  // `stale` compares the last sign of life with the clock (either text or a Date: see its resolver).
  fields: { stale: ['status', 'lastHeartbeatAt', 'startedAt'], trades: [], events: [] },
  // The page's sort key, which its cursors are made of.
  always: ['id', 'startedAt'],
});
