// The schema PostGraphile serves in the benchmark: one view per table the operations read, each
// holding only the rows the gateway lets the asking user see. PostGraphile's own way of doing
// auth is a per-request transaction with `pgSettings` and row-level security; here the request's
// API-key hash becomes the setting `bench.api_key_hash`, and each view resolves the viewer from
// it in the same statement (as the raw floor does), so the tables keep no policies that would
// slow the gateway down. Smart comments give the views the keys and relations that a view lacks.
import pg from 'pg';

export const PEER_SCHEMA = 'postgraphile_peer';
/** Helpers the views call, outside the exposed schema (PostGraphile would make them root fields). */
const PRIVATE_SCHEMA = 'postgraphile_peer_private';
/** The setting the PostGraphile launcher puts the SHA-256 (hex) of the request's API key in. */
export const API_KEY_SETTING = 'bench.api_key_hash';

const S = PEER_SCHEMA;
/** The viewer: an InitPlan, evaluated once per statement. No key or an unknown one sees nothing. */
const V = `(SELECT k."userId" FROM public."ApiKey" k WHERE k.hash = current_setting('${API_KEY_SETTING}', true) AND k."revokedAt" IS NULL)`;
const memberOf = (circuit: string) => `EXISTS (SELECT 1 FROM public."CircuitMember" vm WHERE vm."circuitId" = ${circuit} AND vm."userId" = ${V})`;
const ownAccount = (account: string) => `EXISTS (SELECT 1 FROM public."ExchangeAccount" va WHERE va.id = ${account} AND va."userId" = ${V})`;
const fk = (column: string, table: string) => `@foreignKey ("${column}") references ${S}."${table}" (id)`;

interface View {
  name: string;
  sql: string;
  tags: string[];
}

/**
 * Child rows of an item (identifiers, events, sources) are not filtered themselves: the
 * operations reach them only through a visible item. Their root fields are hidden so that the
 * schema offers no way around the item's rule.
 */
const HIDDEN_ROOT = '@behavior -query:resource:connection -query:resource:list';

const VIEWS: View[] = [
  { name: 'User', sql: `SELECT u.id, u.username FROM public."User" u`, tags: ['@primaryKey id'] },
  {
    // The gateway's rule: stored by the viewer, delivered by them, or pushed to one of their circuits.
    // Written inline as an OR of EXISTS, PostgreSQL hashes every visible id of the table for each
    // statement (65 ms on the full data, whatever the page); a per-row function, as a row-level
    // security policy would call, probes two indexes for the few rows a page reads.
    name: 'Item',
    sql: `SELECT i.* FROM public."Item" i WHERE i."ownerId" = ${V} OR ${PRIVATE_SCHEMA}.delivered_or_pushed(i.id, ${V})`,
    // dfid is unique per owner in the product; the benchmark's dfids are unique outright.
    tags: ['@primaryKey id', '@unique dfid', fk('ownerId', 'User')],
  },
  { name: 'ItemIdentifier', sql: `SELECT d.* FROM public."ItemIdentifier" d`, tags: ['@primaryKey id', fk('itemId', 'Item'), HIDDEN_ROOT] },
  { name: 'ItemEvent', sql: `SELECT e.* FROM public."ItemEvent" e`, tags: ['@primaryKey id', fk('itemId', 'Item'), HIDDEN_ROOT] },
  { name: 'ItemSource', sql: `SELECT s.* FROM public."ItemSource" s`, tags: ['@primaryKey id', fk('itemId', 'Item'), HIDDEN_ROOT] },
  {
    // The viewer's circuits, with their role in each (the gateway's `viewerRole`).
    name: 'Circuit',
    sql: `SELECT c.*, m.role AS "viewerRole" FROM public."Circuit" c
          JOIN public."CircuitMember" m ON m."circuitId" = c.id AND m."userId" = ${V}`,
    tags: ['@primaryKey id', fk('ownerId', 'User')],
  },
  {
    name: 'CircuitMember',
    sql: `SELECT cm.* FROM public."CircuitMember" cm WHERE ${memberOf('cm."circuitId"')}`,
    tags: ['@primaryKey id', fk('circuitId', 'Circuit'), fk('userId', 'User')],
  },
  {
    name: 'CircuitItem',
    sql: `SELECT ci.* FROM public."CircuitItem" ci WHERE ${memberOf('ci."circuitId"')}`,
    tags: ['@primaryKey id', fk('circuitId', 'Circuit'), fk('itemId', 'Item')],
  },
  { name: 'TradingSession', sql: `SELECT s.* FROM public."TradingSession" s WHERE s."userId" = ${V}`, tags: ['@primaryKey id'] },
  { name: 'Position', sql: `SELECT p.* FROM public."Position" p WHERE ${ownAccount('p."accountId"')}`, tags: ['@primaryKey id'] },
  {
    name: 'Trade',
    sql: `SELECT t.* FROM public."Trade" t WHERE t."userId" = ${V}`,
    tags: ['@primaryKey id', fk('sessionId', 'TradingSession'), fk('positionId', 'Position')],
  },
  {
    name: 'Order',
    sql: `SELECT o.* FROM public."Order" o WHERE ${ownAccount('o."accountId"')}`,
    tags: ['@primaryKey id', fk('positionId', 'Position')],
  },
];

/** plpgsql, so that it is never inlined back into the OR the planner would hash. */
const DELIVERED_OR_PUSHED = `CREATE FUNCTION ${PRIVATE_SCHEMA}.delivered_or_pushed(item integer, viewer integer) RETURNS boolean
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM public."ItemSource" s WHERE s."itemId" = item AND s."userId" = viewer)
      OR EXISTS (SELECT 1 FROM public."CircuitItem" ci JOIN public."CircuitMember" m ON m."circuitId" = ci."circuitId"
                 WHERE ci."itemId" = item AND m."userId" = viewer);
END $$`;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Drops and recreates the peer schema (idempotent; the tables are not touched). */
export async function preparePeerSchema(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${PRIVATE_SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${S}`);
    await client.query(`CREATE SCHEMA ${PRIVATE_SCHEMA}`);
    await client.query(DELIVERED_OR_PUSHED);
    for (const view of VIEWS) {
      await client.query(`CREATE VIEW ${S}."${view.name}" AS ${view.sql}`);
      await client.query(`COMMENT ON VIEW ${S}."${view.name}" IS ${literal(view.tags.join('\n'))}`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
}
