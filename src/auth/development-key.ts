import type { PrismaClient } from '../generated/prisma/client';
import { createApiKey } from './api-keys';

/** The name of the key `npm start` issues for the demo user in development. */
export const DEVELOPMENT_KEY_NAME = 'development key (issued by npm start)';

/**
 * A fresh key for the seeded demo user, for development on the embedded database only: a
 * newcomer can run the demo query a minute after `npm start` without stopping the server (the
 * embedded database belongs to the running process, so `npm run apikey` cannot reach it). Only
 * a hash is stored, so the key of an earlier start cannot be shown again: each start revokes it
 * and issues a new one.
 */
export async function issueDevelopmentKey(prisma: PrismaClient, username = 'demo'): Promise<string | undefined> {
  const user = await prisma.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) return undefined;
  await prisma.apiKey.updateMany({ where: { userId: user.id, name: DEVELOPMENT_KEY_NAME, revokedAt: null }, data: { revokedAt: new Date() } });
  return (await createApiKey(prisma, user.id, DEVELOPMENT_KEY_NAME)).key;
}
