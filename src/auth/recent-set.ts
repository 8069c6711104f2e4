/**
 * A set whose members are forgotten `ttlMs` after they were added, holding at most `maxSize`
 * (the oldest go first), so that remembering what attackers send cannot grow memory.
 */
export class RecentSet {
  private readonly addedAt = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
  ) {}

  has(member: string): boolean {
    const at = this.addedAt.get(member);
    if (at === undefined) return false;
    if (Date.now() - at < this.ttlMs) return true;
    this.addedAt.delete(member);
    return false;
  }

  add(member: string): void {
    this.addedAt.delete(member);
    this.addedAt.set(member, Date.now());
    if (this.addedAt.size > this.maxSize) this.addedAt.delete(this.addedAt.keys().next().value!);
  }

  delete(member: string): void {
    this.addedAt.delete(member);
  }
}
