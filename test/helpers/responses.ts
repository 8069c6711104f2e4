import type { GraphQLFormattedError } from 'graphql';

// Reading a GraphQL result in a test: its data when it must have succeeded, its error code when
// it must have failed. They take what `gw.execute` and `gw.http` answer (or its promise).

export interface GraphQLResult {
  data?: any;
  errors?: readonly GraphQLFormattedError[];
}

/** The data of a result that must have no errors (shows the errors when it has some). */
export function dataOf(result: GraphQLResult): any {
  expect(result.errors).toBeUndefined();
  return result.data;
}

/** `dataOf` for a result still to come: `await ok(gw.execute(query, variables, key))`. */
export async function ok<T = any>(response: Promise<GraphQLResult>): Promise<T> {
  return dataOf(await response);
}

/** The code of a result's first error (undefined when it has none). */
export const codeOf = (result: GraphQLResult): unknown => result.errors?.[0]?.extensions?.code;

/** Awaits a result that must fail with `code` and carry `data` (null unless told), and returns its first error. */
export async function fails(response: Promise<GraphQLResult>, code: string, data: unknown = null): Promise<GraphQLFormattedError> {
  const result = await response;
  expect(result.data).toEqual(data);
  expect(codeOf(result)).toBe(code);
  return result.errors![0]!;
}
