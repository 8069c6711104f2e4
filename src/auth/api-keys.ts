import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { ErrorCode } from '../errors';
import { TRANSACTION_OPTIONS } from '../db/prisma-errors';

/** Who a request acts for. */
export interface Viewer {
  readonly id: number;
  readonly username: string;
  readonly apiKeyId: number;
}

const KEY_PREFIX = 'tg_';
/** What generateApiKey makes: the prefix and 32 random bytes in base64url (43 characters). */
const KEY_FORMAT = /^tg_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most this often per key, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** SHA-256 of the key: high-entropy keys need no slow hash, and lookups stay an index probe. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new random key (256 bits) and what is stored of it: its hash and a prefix to recognise it. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, KEY_PREFIX.length + 6) };
}

/** Creates a key for `userId`; the key itself is returned once and never stored. */
export async function createApiKey(prisma: PrismaClient, userId: number, name: string) {
  const { key, hash, prefix } = generateApiKey();
  const record = await prisma.apiKey.create({ data: { userId, name, hash, prefix } });
  return { key, record };
}

/**
 * `createApiKey` for the API: refuses (FORBIDDEN, `extensions.limit: 'apiKeys'`) when the user
 * already holds `max` live keys, so minting keys cannot multiply what one user may do. The
 * user's row is locked while counting, so concurrent requests cannot pass the cap together.
 */
export async function createApiKeyWithinCap(prisma: PrismaClient, userId: number, name: string, max: number) {
  const { key, hash, prefix } = generateApiKey();
  const record = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const live = await tx.apiKey.count({ where: { userId, revokedAt: null } });
    if (live >= max) {
      throw new GraphQLError(`You hold ${live} live API keys, the most allowed; revoke one (revokeApiKey) before creating another`, {
        extensions: { code: ErrorCode.FORBIDDEN, limit: 'apiKeys', max },
      });
    }
    return tx.apiKey.create({ data: { userId, name, hash, prefix } });
  }, TRANSACTION_OPTIONS);
  return { key, record };
}

/** The bearer token of an Authorization header, `undefined` when there is no header. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * The viewer a key belongs to, or null for an unknown or revoked key. One statement: the
 * lookup, plus a lastUsedAt write when the stored one is older than the resolution.
 */
export async function viewerForApiKey(prisma: PrismaClient, key: string): Promise<Viewer | null> {
  // A token that cannot be a key costs no statement: junk in the header is no load on the database.
  if (!isKeyShaped(key)) return null;
  return viewerForKeyHash(prisma, hashApiKey(key));
}

/** Whether `token` has the shape generateApiKey gives keys (anything else is refused unread). */
export const isKeyShaped = (token: string): boolean => KEY_FORMAT.test(token);

/** `viewerForApiKey` for a key already hashed with `hashApiKey`. */
export async function viewerForKeyHash(prisma: PrismaClient, hash: string): Promise<Viewer | null> {
  // Looked up by the SHA-256 of the key: the index probe's timing can only tell an attacker
  // about hashes of their own guesses, never about a stored key.
  const rows = await prisma.$queryRaw<Array<Viewer & { hash: string }>>`
    WITH found AS (
      SELECT k.id AS "apiKeyId", u.id, u.username, k."lastUsedAt", k.hash
      FROM "ApiKey" k JOIN "User" u ON u.id = k."userId"
      WHERE k.hash = ${hash} AND k."revokedAt" IS NULL
    ), touched AS (
      UPDATE "ApiKey" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC')
      WHERE id IN (SELECT "apiKeyId" FROM found)
        AND ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - ${Prisma.raw(`interval '${LAST_USED_RESOLUTION_SECONDS} seconds'`)})
    )
    SELECT id, username, "apiKeyId", hash FROM found`;
  const row = rows[0];
  // The one comparison of secret-derived values in our own code is constant-time.
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return { id: row.id, username: row.username, apiKeyId: row.apiKeyId };
}

/** The viewer's keys, newest first (never the key itself: it is only shown when created). */
export function apiKeysOf(prisma: PrismaClient, userId: number) {
  return prisma.apiKey.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Revokes one of the viewer's keys. Revoking twice is harmless. The caller publishes the
 * revocation (apiKeyRevoked) so that instances stop trusting the key without a lookup.
 */
export async function revokeApiKey(prisma: PrismaClient, userId: number, apiKeyId: number) {
  await prisma.apiKey.updateMany({ where: { id: apiKeyId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return prisma.apiKey.findFirst({ where: { id: apiKeyId, userId } });
}
