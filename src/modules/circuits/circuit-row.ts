import { leanTable } from '../../db/lean-table';

/**
 * A circuit as lean reads see it. `viewerRole` reads no column: the circuits page joins the
 * viewer's membership and carries the role; elsewhere the resolver loads it.
 */
export const CIRCUIT_ROW = leanTable({
  alias: 'c',
  columns: { id: 'plain', name: 'plain', description: 'plain', ownerId: 'plain', createdAt: 'timestamp' },
  fields: { owner: ['ownerId'], viewerRole: [], members: [], items: [] },
});
