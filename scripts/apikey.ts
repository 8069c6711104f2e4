// npm run apikey -- <username> [key name]: creates the user if missing and prints a new API key
// alone on the last line (scripts can take it with `tail -n 1`).
import { createApiKey } from '../src/auth/api-keys';
import { openConfiguredDatabase, runCommand } from './open-configured-database';

runCommand(async () => {
  const [username, name = 'cli'] = process.argv.slice(2);
  if (!username || !/^[A-Za-z0-9_.-]{1,64}$/.test(username)) {
    throw new Error('Usage: npm run apikey -- <username> [key name]   (username: letters, digits, _ . -)');
  }
  const db = await openConfiguredDatabase();
  try {
    const user = await db.prisma.user.upsert({ where: { username }, create: { username }, update: {} });
    const { key, record } = await createApiKey(db.prisma, user.id, name);
    process.stdout.write(`Created API key '${record.name}' (${record.prefix}…) for ${username}. It is shown only once:\n${key}\n`);
  } finally {
    await db.close();
  }
});
