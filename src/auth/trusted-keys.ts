import type { Viewer } from './api-keys';

interface Trusted {
  readonly viewer: Viewer;
  /** The event bus's receiving stretch the entry was made in (see EventBus.receivingSince). */
  readonly stretch: number;
  readonly expiresAt: number;
}

/**
 * Keys found valid a moment ago (by the SHA-256 of the key), with their viewer: a request with one
 * costs a map read, no statement. An entry is trusted for `ttlMs`, and only while the event bus
 * has been receiving without a break since it was made, so no revocation can have been missed;
 * `forgetUser` drops a user's entries when a revocation arrives. At most `maxSize` entries (the
 * oldest go first).
 */
export class TrustedKeys {
  private readonly byHash = new Map<string, Trusted>();
  /** Revocations heard so far: a lookup that overlapped one is not remembered (it may predate it). */
  private revocations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
  ) {}

  get(hash: string, stretch: number): Viewer | undefined {
    const entry = this.byHash.get(hash);
    if (entry === undefined) return undefined;
    if (entry.stretch === stretch && entry.expiresAt > Date.now()) return entry.viewer;
    this.byHash.delete(hash);
    return undefined;
  }

  /** A mark to pass to `remember` for a lookup about to start. */
  lookupStarts(): number {
    return this.revocations;
  }

  /** Remembers a lookup's answer, unless a revocation arrived while it ran. */
  remember(hash: string, viewer: Viewer, stretch: number, startedAt: number): void {
    if (startedAt !== this.revocations) return;
    this.byHash.delete(hash);
    this.byHash.set(hash, { viewer, stretch, expiresAt: Date.now() + this.ttlMs });
    if (this.byHash.size > this.maxSize) this.byHash.delete(this.byHash.keys().next().value!);
  }

  forget(hash: string): void {
    this.byHash.delete(hash);
  }

  /** A key of `userId` was revoked (which one does not matter: all of theirs are looked up again). */
  forgetUser(userId: number): void {
    this.revocations += 1;
    for (const [hash, entry] of this.byHash) if (entry.viewer.id === userId) this.byHash.delete(hash);
  }
}
