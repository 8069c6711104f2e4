import { leanTable } from '../../db/lean-table';

/** An exchange account as lean reads see it (see db/lean-table.ts). */
export const ACCOUNT_ROW = leanTable({
  alias: 'a',
  columns: { id: 'plain', userId: 'plain', exchange: 'plain', label: 'plain', createdAt: 'timestamp' },
  fields: { positions: [], orders: [], ledgerEntries: [] },
});
