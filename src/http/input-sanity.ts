import { GraphQLError, Kind, type DocumentNode, type ValueNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../errors';

/** Deepest nesting of objects and lists in one variable or argument (JSON inputs included). */
export const MAX_INPUT_DEPTH = 32;

const NUL = '\u0000';

function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field, http: { status: 400 } } });
}

/** Checks one variable's value: no NUL character in a string, no nesting past MAX_INPUT_DEPTH. */
function checkValue(value: unknown, field: string, depth: number): void {
  if (typeof value === 'string') {
    if (value.includes(NUL)) throw badInput(`${field}: must not contain the NUL character (\\u0000)`, field);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_INPUT_DEPTH) throw badInput(`${field}: nested deeper than ${MAX_INPUT_DEPTH} levels`, field);
  if (Array.isArray(value)) value.forEach((item, index) => checkValue(item, `${field}[${index}]`, depth + 1));
  else for (const [name, item] of Object.entries(value)) {
    if (name.includes(NUL)) throw badInput(`${field}: a key must not contain the NUL character (\\u0000)`, field);
    checkValue(item, `${field}.${name}`, depth + 1);
  }
}

/** The same checks for an argument written in the document. */
function checkLiteral(node: ValueNode, field: string, depth: number): void {
  if (node.kind === Kind.STRING) {
    if (node.value.includes(NUL)) throw badInput(`${field}: must not contain the NUL character (\\u0000)`, field);
    return;
  }
  if (node.kind !== Kind.LIST && node.kind !== Kind.OBJECT) return;
  if (depth >= MAX_INPUT_DEPTH) throw badInput(`${field}: nested deeper than ${MAX_INPUT_DEPTH} levels`, field);
  if (node.kind === Kind.LIST) node.values.forEach((item, index) => checkLiteral(item, `${field}[${index}]`, depth + 1));
  else for (const item of node.fields) checkLiteral(item.value, `${field}.${item.name.value}`, depth + 1);
}

/** Every argument in the document (operations and fragments), each visited once. */
function checkDocument(document: DocumentNode): void {
  const stack: unknown[] = [...document.definitions];
  while (stack.length > 0) {
    const node = stack.pop() as { kind: Kind; arguments?: readonly { name: { value: string }; value: ValueNode }[]; selectionSet?: { selections: readonly unknown[] } };
    for (const argument of node.arguments ?? []) checkLiteral(argument.value, argument.name.value, 0);
    if (node.selectionSet) stack.push(...node.selectionSet.selections);
  }
}

/** Throws BAD_USER_INPUT for a variable or literal the plugin below refuses (WebSocket subscriptions use it too). */
export function checkOperationInput(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  for (const [name, value] of Object.entries(variables ?? {})) checkValue(value, `$${name}`, 0);
  checkDocument(document);
}

/**
 * Refuses, before anything runs, input that PostgreSQL or the resolvers would choke on: a NUL
 * character in any string (PostgreSQL text and jsonb cannot hold one) and inputs nested
 * thousands of levels deep (a JSON argument would overflow the stack on its way to the
 * database). Each is BAD_USER_INPUT naming the field, with nothing stored.
 */
export function inputSanityPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          checkOperationInput(document, request.variables);
        },
      };
    },
  };
}
