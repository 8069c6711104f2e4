// The gateway's own count of SQL statements per request (its /metrics histogram
// gateway_graphql_sql_statements, per operation name), read before and after a measurement:
// the server-side check of the in-process counts, under load.

import { OPERATOR_METRICS_TOKEN } from './processes';

export interface StatementTally {
  sum: number;
  count: number;
}

export async function statementTally(baseUrl: string, operationName: string): Promise<StatementTally | null> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_METRICS_TOKEN}` } });
  if (response.status !== 200) {
    await response.arrayBuffer();
    return null;
  }
  const text = await response.text();
  const value = (series: string) => {
    const match = new RegExp(`^gateway_graphql_sql_statements_${series}\\{operation="${operationName}"\\} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { sum: value('sum'), count: value('count') };
}

/** Mean statements per request between two tallies, or null without metrics. */
export function meanStatements(before: StatementTally | null, after: StatementTally | null): number | null {
  if (!before || !after || after.count === before.count) return null;
  return Number(((after.sum - before.sum) / (after.count - before.count)).toFixed(2));
}
