import type { PrismaClient } from '../../generated/prisma/client';

/** The user's RUNNING sessions and when each last showed life (for the stale pushes). */
export function runningSessionsOf(prisma: PrismaClient, userId: number): Promise<Array<{ id: number; lastHeartbeatAt: Date | null; startedAt: Date }>> {
  return prisma.tradingSession.findMany({
    where: { userId, status: 'RUNNING' },
    select: { id: true, lastHeartbeatAt: true, startedAt: true },
    take: 1_000,
  });
}
