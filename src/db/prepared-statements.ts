// PostgreSQL parses and plans a named statement once per connection and then only binds and
// runs it; unnamed, every statement is parsed and planned again (up to a millisecond for a
// level's merged read, spent while the gateway waits on this 2-core class of machine).

/**
 * Names statement texts for the driver's prepared-statement cache. A text is named from its
 * second use (one-off shapes stay unnamed), and at most `max` texts are ever named: each name
 * lives on every pooled connection until it closes, so documents choosing unusual selections
 * cannot grow the server's memory; past the cap, new texts run unnamed as before.
 */
export function preparedStatementNames(max: number): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  let seenOnce = new Set<string>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined || names.size >= max) return name;
    if (!seenOnce.has(sql)) {
      // Forgotten in bulk: a text that is truly hot comes back soon.
      if (seenOnce.size >= max * 4) seenOnce = new Set();
      seenOnce.add(sql);
      return undefined;
    }
    seenOnce.delete(sql);
    const named = `gw_${names.size}`;
    names.set(sql, named);
    return named;
  };
}
