import { leanTable } from '../../db/lean-table';

/** A user as lean reads see them (see db/lean-table.ts): the public profile's columns. */
export const USER_ROW = leanTable({ alias: 'u', columns: { id: 'plain', username: 'plain', createdAt: 'timestamp' }, fields: {} });

/** The `from` of an embedded owner or member (see LeanEmbed): public profiles, seen by everyone who sees the row. */
export const userWithId = (foreignKey: string): string => `"User" u WHERE u.id = ${foreignKey}`;
