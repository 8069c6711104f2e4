import { GraphQLError, getNamedType, isListType, getNullableType, Kind, type ValidationRule, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../graphql/pagination';

/** The shape limits every operation must stay within (see the README's table for defaults). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxCost: number;
}

/** An operation over a limit: 400 GRAPHQL_VALIDATION_FAILED, `extensions.limit` says which. */
function limitError(limit: string, max: number, actual: number | undefined, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, ...(actual === undefined ? {} : { actual }), http: { status: 400 } },
  });
}

/** Rejects an operation selecting more than `max` root fields (fragments at the root included). */
function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    const countRoot = (selectionSet: SelectionSetNode, seen: Set<string>): number =>
      selectionSet.selections.reduce((count, selection) => {
        if (selection.kind === Kind.FIELD) return count + 1;
        if (selection.kind === Kind.INLINE_FRAGMENT) return count + countRoot(selection.selectionSet, seen);
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        if (!fragment || seen.has(name)) return count;
        return count + countRoot(fragment.selectionSet, new Set([...seen, name]));
      }, 0);
    return {
      OperationDefinition(operation) {
        const count = countRoot(operation.selectionSet, new Set());
        if (count > max) {
          context.reportError(limitError('rootFields', max, count, `The operation selects ${count} root fields; the limit is ${max}.`));
        }
      },
    };
  };
}

/** Validation rules for depth, aliases and root fields (they need no variables). */
export function queryShapeRules(limits: QueryLimits): ValidationRule[] {
  const rejectWith = (limit: string, max: number) => [
    (context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(limitError(limit, max, undefined, error.message.replace(/^Syntax Error: /, '')));
    },
  ];
  return [
    maxDepthRule({ n: limits.maxDepth, exposeLimits: true, propagateOnRejection: false, onReject: rejectWith('depth', limits.maxDepth) }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, exposeLimits: true, propagateOnRejection: false, onReject: rejectWith('aliases', limits.maxAliases) }) as unknown as ValidationRule,
    maxRootFieldsRule(limits.maxRootFields),
  ];
}

/** Plain lists without paging arguments are small (identifiers, accounts…); assume this many. */
const ASSUMED_LIST_SIZE = 10;

/**
 * Cost in which page sizes multiply: a connection costs `first` (default 20) times what one of
 * its nodes costs, so `items(first: 100) { events(first: 100) { … } }` costs 10 000 per field;
 * a plain list is assumed to hold ten.
 */
const pagedCost: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNullableType(field.type);
  // A connection's `edges` are the page its `first` already counted.
  if (field.name === 'edges') return 1 + childComplexity;
  if (getNamedType(type).name.endsWith('Connection')) {
    const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
    return 1 + Math.max(first, 1) * childComplexity;
  }
  if (isListType(type)) return 1 + ASSUMED_LIST_SIZE * childComplexity;
  return undefined;
};

/**
 * Rejects operations whose cost exceeds `maxCost`. A plugin rather than a validation rule,
 * because the page sizes usually arrive as variables.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: request.operationName,
              estimators: [pagedCost, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            return; // variables that do not coerce: execution reports them as BAD_USER_INPUT
          }
          if (cost > maxCost) {
            throw limitError('cost', maxCost, cost, `The operation's cost is ${cost}; the limit is ${maxCost}. Ask for smaller pages or fewer nested lists.`);
          }
        },
      };
    },
  };
}
