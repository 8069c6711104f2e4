/** The demo users: demo, whose view the data set is built around, and four others to share circuits with. */
import { at, DAY, HOUR } from './rng';

export const DEMO_USERNAME = 'demo';
/** Every user the seed creates (demo first); none of them gets an API key here. */
export const SEED_USERNAMES = [DEMO_USERNAME, 'alice', 'bob', 'carol', 'dave'] as const;
export type Username = (typeof SEED_USERNAMES)[number];

export interface UserSpec {
  username: Username;
  createdAt: Date;
}

export function buildUsers(): UserSpec[] {
  return SEED_USERNAMES.map((username, i) => ({ username, createdAt: at(-30 * DAY + i * HOUR) }));
}
