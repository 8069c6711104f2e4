// The floor: each operation as one hand-written statement that returns the GraphQL `data` as
// JSON text, built in PostgreSQL. Same rows, same order, same page sizes and the same visibility
// rules as the product (the viewer comes from the API key in the same statement); what is left
// out is everything a GraphQL server adds: parsing, validation, resolvers, loaders, an ORM.
//
// Encodings follow the product's: global IDs are base64url("Type:id") without padding,
// DateTime is ISO-8601 in UTC with milliseconds, Decimal is the exact value as a string without
// trailing zeros (decimal.js `toFixed()`), cursors are base64url("c1:" + JSON of the sort key).

const gid = (type: string, expr: string) => `rtrim(translate(encode(convert_to('${type}:' || (${expr}), 'UTF8'), 'base64'), '+/', '-_'), '=')`;
const iso = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const dec = (expr: string) => `trim_scale(${expr})::text`;
const cursor = (keyJson: string) => `rtrim(translate(encode(convert_to('c1:' || (${keyJson}), 'UTF8'), 'base64'), '+/', '-_'), '=')`;

/** $1 is always the SHA-256 (hex) of the API key; a revoked or unknown key yields no viewer. */
const VIEWER = `viewer AS (SELECT k."userId" AS id FROM "ApiKey" k WHERE k.hash = $1 AND k."revokedAt" IS NULL)`;
const V = `(SELECT id FROM viewer)`;

/** Items the viewer can see: stored by them, delivered by them, or pushed to one of their circuits. */
const visibleItem = (alias: string) => `(
  ${alias}."ownerId" = ${V}
  OR EXISTS (SELECT 1 FROM "ItemSource" vs WHERE vs."itemId" = ${alias}.id AND vs."userId" = ${V})
  OR EXISTS (SELECT 1 FROM "CircuitItem" vci JOIN "CircuitMember" vm ON vm."circuitId" = vci."circuitId"
             WHERE vci."itemId" = ${alias}.id AND vm."userId" = ${V}))`;

/** An item's event connection: first $n, newest first, with its total. */
const itemEvents = (item: string, first: string) => `json_build_object(
  'totalCount', (SELECT count(*) FROM "ItemEvent" ce WHERE ce."itemId" = ${item}.id),
  'edges', coalesce((
    SELECT json_agg(json_build_object('node', json_build_object(
      'id', ${gid('ItemEvent', 'e.id')}, 'type', e.type, 'occurredAt', ${iso('e."occurredAt"')}, 'source', e.source, 'data', e.data))
      ORDER BY e."occurredAt" DESC, e.id DESC)
    FROM (SELECT * FROM "ItemEvent" e WHERE e."itemId" = ${item}.id ORDER BY e."occurredAt" DESC, e.id DESC LIMIT ${first}) e
  ), '[]'))`;

/** The viewer's circuits an item was pushed to, most recently pushed first. */
const itemCircuits = (item: string, first: string, node: string) => `json_build_object('edges', coalesce((
    SELECT json_agg(json_build_object('node', ${node}) ORDER BY x."pushedAt" DESC, x.id DESC)
    FROM (SELECT ci.* FROM "CircuitItem" ci
          WHERE ci."itemId" = ${item}.id
            AND EXISTS (SELECT 1 FROM "CircuitMember" m WHERE m."circuitId" = ci."circuitId" AND m."userId" = ${V})
          ORDER BY ci."pushedAt" DESC, ci.id DESC LIMIT ${first}) x
    JOIN "Circuit" c ON c.id = x."circuitId"
    JOIN "User" u ON u.id = c."ownerId"
  ), '[]'))`;

const identifiers = (item: string) => `coalesce((
    SELECT json_agg(json_build_object('key', d.key, 'value', d.value) ORDER BY d.id)
    FROM "ItemIdentifier" d WHERE d."itemId" = ${item}.id), '[]')`;

/** `NestedItems($n)`: $2 = n. */
export const NESTED_ITEMS_SQL = `WITH ${VIEWER},
page AS (
  -- The viewer's newest items are among the newest of each way of seeing one (own, delivered,
  -- pushed to one of their circuits): three index-ordered scans of $2 + 1 rows each, not a
  -- visibility test per item (which PostgreSQL runs as hashes of every visible id).
  SELECT i.* FROM "Item" i
  WHERE i.id IN (
    (SELECT o.id FROM "Item" o WHERE o."ownerId" = ${V} ORDER BY o.id DESC LIMIT $2 + 1)
    UNION ALL
    (SELECT s."itemId" FROM "ItemSource" s WHERE s."userId" = ${V} ORDER BY s."itemId" DESC LIMIT $2 + 1)
    UNION ALL
    (SELECT x."itemId" FROM "CircuitMember" m
     CROSS JOIN LATERAL (SELECT ci."itemId" FROM "CircuitItem" ci WHERE ci."circuitId" = m."circuitId"
                         ORDER BY ci."itemId" DESC LIMIT $2 + 1) x
     WHERE m."userId" = ${V})
  )
  ORDER BY i.id DESC LIMIT $2 + 1
), shown AS (
  SELECT * FROM page ORDER BY id DESC LIMIT $2
)
SELECT ${V} AS viewer_id, json_build_object('items', json_build_object(
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) FROM page) > $2,
    'endCursor', (SELECT ${cursor(`'[' || min(id) || ']'`)} FROM shown)),
  'edges', coalesce((
    SELECT json_agg(json_build_object('node', json_build_object(
      'id', ${gid('Item', 'i.id')}, 'dfid', i.dfid, 'aliases', to_json(i.aliases), 'confidenceScore', i."confidenceScore",
      'legacyMode', i."legacyMode", 'createdAt', ${iso('i."createdAt"')},
      'identifiers', ${identifiers('i')},
      'events', ${itemEvents('i', '$2')},
      'circuits', ${itemCircuits('i', '$2', `json_build_object('id', ${gid('Circuit', 'c.id')}, 'name', c.name,
          'owner', json_build_object('id', ${gid('User', 'u.id')}, 'username', u.username))`)}
    )) ORDER BY i.id DESC)
    FROM shown i), '[]')
))::text AS data`;

/** `SessionsTrades($n)`: $2 = n. */
export const SESSIONS_SQL = `WITH ${VIEWER},
sessions AS (
  SELECT s.* FROM "TradingSession" s WHERE s."userId" = ${V} ORDER BY s."startedAt" DESC, s.id DESC LIMIT $2
)
SELECT ${V} AS viewer_id, json_build_object('tradingSessions', json_build_object('edges', coalesce((
  SELECT json_agg(json_build_object('node', json_build_object(
    'id', ${gid('TradingSession', 's.id')}, 'sessionKey', s."sessionKey", 'status', s.status, 'startedAt', ${iso('s."startedAt"')},
    'trades', json_build_object('edges', coalesce((
      SELECT json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Trade', 't.id')}, 'tradeId', t."tradeId", 'executedAt', ${iso('t."executedAt"')}, 'symbol', t.symbol,
        'direction', t.direction, 'action', t.action, 'volume', ${dec('t.volume')}, 'entryPrice', ${dec('t."entryPrice"')},
        'pnl', ${dec('t.pnl')}, 'isPaper', t."isPaper",
        'position', (
          SELECT json_build_object(
            'id', ${gid('Position', 'p.id')}, 'symbol', p.symbol, 'side', p.side, 'quantity', ${dec('p.quantity')},
            'entryPrice', ${dec('p."entryPrice"')}, 'status', p.status,
            'orders', json_build_object('edges', coalesce((
              SELECT json_agg(json_build_object('node', json_build_object(
                'id', ${gid('Order', 'o.id')}, 'type', o.type, 'side', o.side, 'status', o.status, 'price', ${dec('o.price')}))
                ORDER BY o.id)
              FROM (SELECT o.* FROM "Order" o
                    WHERE o."positionId" = p.id
                      AND EXISTS (SELECT 1 FROM "ExchangeAccount" oa WHERE oa.id = o."accountId" AND oa."userId" = ${V})
                    ORDER BY o.id LIMIT $2) o
            ), '[]')))
          FROM "Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"
          WHERE p.id = t."positionId" AND a."userId" = ${V})
      )) ORDER BY t."executedAt" DESC, t.id DESC)
      FROM (SELECT * FROM "Trade" t WHERE t."sessionId" = s.id AND t."userId" = ${V}
            ORDER BY t."executedAt" DESC, t.id DESC LIMIT $2) t
    ), '[]'))
  )) ORDER BY s."startedAt" DESC, s.id DESC)
  FROM sessions s), '[]')))::text AS data`;

/** `CircuitsMembersItems($n)`: $2 = n. */
export const CIRCUITS_SQL = `WITH ${VIEWER},
circuits AS (
  SELECT c.*, m.role AS viewer_role FROM "Circuit" c JOIN "CircuitMember" m ON m."circuitId" = c.id AND m."userId" = ${V}
  ORDER BY c.id DESC LIMIT $2
)
SELECT ${V} AS viewer_id, json_build_object('circuits', json_build_object('edges', coalesce((
  SELECT json_agg(json_build_object('node', json_build_object(
    'id', ${gid('Circuit', 'c.id')}, 'name', c.name, 'viewerRole', c.viewer_role,
    'members', json_build_object('edges', coalesce((
      SELECT json_agg(json_build_object('node', json_build_object(
        'role', mm.role, 'joinedAt', ${iso('mm."joinedAt"')}, 'user', json_build_object('id', ${gid('User', 'u.id')}, 'username', u.username)))
        ORDER BY mm."joinedAt", mm.id)
      FROM (SELECT * FROM "CircuitMember" cm WHERE cm."circuitId" = c.id ORDER BY cm."joinedAt", cm.id LIMIT $2) mm
      JOIN "User" u ON u.id = mm."userId"
    ), '[]')),
    'items', json_build_object('edges', coalesce((
      SELECT json_agg(json_build_object('node', json_build_object('id', ${gid('Item', 'i.id')}, 'dfid', i.dfid))
        ORDER BY x."pushedAt" DESC, x.id DESC)
      FROM (SELECT * FROM "CircuitItem" ci WHERE ci."circuitId" = c.id ORDER BY ci."pushedAt" DESC, ci.id DESC LIMIT $2) x
      JOIN "Item" i ON i.id = x."itemId"
    ), '[]'))
  )) ORDER BY c.id DESC)
  FROM circuits c), '[]')))::text AS data`;

/** `ItemByDfid($dfid)`: $2 = dfid; the item's lists at the fixed first: 20 of the operation. */
export const ITEM_BY_DFID_SQL = `WITH ${VIEWER},
item AS (SELECT i.* FROM "Item" i WHERE i.dfid = $2 AND ${visibleItem('i')})
SELECT ${V} AS viewer_id, json_build_object('item', (
  SELECT json_build_object(
    'id', ${gid('Item', 'i.id')}, 'dfid', i.dfid, 'aliases', to_json(i.aliases), 'fingerprint', i.fingerprint,
    'confidenceScore', i."confidenceScore", 'legacyMode', i."legacyMode",
    'createdAt', ${iso('i."createdAt"')}, 'updatedAt', ${iso('i."updatedAt"')},
    'owner', (SELECT json_build_object('id', ${gid('User', 'o.id')}, 'username', o.username) FROM "User" o WHERE o.id = i."ownerId"),
    'identifiers', ${identifiers('i')},
    'sources', coalesce((
      SELECT json_agg(json_build_object('source', s.source, 'entryRef', s."entryRef", 'receivedAt', ${iso('s."receivedAt"')})
        ORDER BY s."receivedAt" DESC, s.id DESC)
      FROM "ItemSource" s WHERE s."itemId" = i.id), '[]'),
    'events', ${itemEvents('i', '20')},
    'circuits', ${itemCircuits('i', '20', `json_build_object('id', ${gid('Circuit', 'c.id')}, 'name', c.name)`)}
  ) FROM item i)
)::text AS data`;

/**
 * `Balances`: the product's read (running rows per account and asset: totals, funds locked by
 * NEW LIMIT orders, realized PnL; open positions), with the per-asset totals and the JSON built
 * in the same statement.
 */
export const BALANCES_SQL = `WITH ${VIEWER},
accounts AS (
  SELECT id, label FROM "ExchangeAccount" WHERE "userId" = ${V}
), balances AS (
  SELECT "accountId", asset, total, locked, "realizedPnl" AS pnl FROM "RunningBalance"
  WHERE "accountId" IN (SELECT id FROM accounts) AND (entries > 0 OR locked <> 0)
), per_asset AS (
  SELECT asset, min("accountId") AS first_account, sum(total) AS total, sum(locked) AS locked FROM balances GROUP BY asset
)
SELECT ${V} AS viewer_id, json_build_object('balances', json_build_object(
  'fromCache', false,
  'computedAt', ${iso(`(now() AT TIME ZONE 'UTC')`)},
  -- Realized PnL is only summed within one quote asset: null when it spans several.
  'realizedPnl', CASE WHEN (SELECT count(DISTINCT asset) FROM balances WHERE pnl <> 0) > 1 THEN NULL
                      ELSE ${dec('coalesce((SELECT sum(pnl) FROM balances), 0)')} END,
  'openPositions', (SELECT count(*) FROM "Position" p WHERE p."accountId" IN (SELECT id FROM accounts) AND p.status = 'OPEN'),
  'assets', coalesce((
    SELECT json_agg(json_build_object('asset', asset, 'free', ${dec('total - locked')}, 'locked', ${dec('locked')}, 'total', ${dec('total')})
      ORDER BY first_account, asset)
    FROM per_asset), '[]'),
  'accounts', coalesce((
    SELECT json_agg(json_build_object(
      'account', json_build_object('id', ${gid('ExchangeAccount', 'a.id')}, 'label', a.label),
      'assets', coalesce((
        SELECT json_agg(json_build_object('asset', b.asset, 'free', ${dec('b.total - b.locked')}, 'locked', ${dec('b.locked')}, 'total', ${dec('b.total')})
          ORDER BY b.asset)
        FROM balances b WHERE b."accountId" = a.id), '[]'))
      ORDER BY a.id)
    FROM accounts a), '[]')
))::text AS data`;

/** Authentication alone (operations that read nothing else). */
export const VIEWER_SQL = `WITH ${VIEWER} SELECT ${V} AS viewer_id`;
