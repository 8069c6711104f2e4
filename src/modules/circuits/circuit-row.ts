import { leanTable } from '../../db/lean-table';
import { USER_ROW, userWithId } from '../users/user-row';

/**
 * A circuit as lean reads see it. `viewerRole` reads no column: the circuits page joins the
 * viewer's membership and carries the role; elsewhere the resolver loads it.
 */
export const CIRCUIT_ROW = leanTable({
  alias: 'c',
  columns: { id: 'plain', name: 'plain', description: 'plain', ownerId: 'plain', createdAt: 'timestamp' },
  fields: { owner: ['ownerId'], viewerRole: [], members: [], items: [] },
  embeds: { owner: { table: USER_ROW, from: userWithId('c."ownerId"') } },
});
