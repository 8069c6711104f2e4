import { leanTable } from '../../db/lean-table';
import { USER_ROW, userWithId } from '../users/user-row';

/** An item as lean reads see it (see db/lean-table.ts): its columns, and relations that read the id or the owner's. */
export const ITEM_ROW = leanTable({
  alias: 'i',
  columns: {
    id: 'plain', dfid: 'plain', ownerId: 'plain', aliases: 'plain', fingerprint: 'plain', confidenceScore: 'plain',
    legacyMode: 'plain', createdAt: 'timestamp', updatedAt: 'timestamp',
  },
  fields: { owner: ['ownerId'], identifiers: [], sources: [], events: [], circuits: [] },
  embeds: { owner: { table: USER_ROW, from: userWithId('i."ownerId"') } },
  // preferredItem picks among one dfid's items by owner and id.
  always: ['id', 'dfid', 'ownerId'],
});
