import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule, type ValidationContext } from 'graphql';
import { ErrorCode } from '../errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { fragmentsByName, selectionCost, selectionShape } from './operation-shape';

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
    extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, limit, max, ...(actual === undefined ? {} : { actual }), http: { status: 400 } },
  });
}

/**
 * Rejects operations over the depth, alias or root-field limit. One linear pass per operation
 * (see operation-shape.ts): a document's fragments are analysed once each, however they spread.
 */
function shapeLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = fragmentsByName(context.getDocument().definitions);
    return {
      OperationDefinition(operation) {
        const shape = selectionShape(operation.selectionSet, fragments);
        if (shape.depth > limits.maxDepth) {
          context.reportError(limitError('depth', limits.maxDepth, shape.depth, `Query depth limit of ${limits.maxDepth} exceeded, found ${shape.depth}.`));
        }
        if (shape.aliases > limits.maxAliases) {
          context.reportError(limitError('aliases', limits.maxAliases, shape.aliases, `Aliases limit of ${limits.maxAliases} exceeded, found ${shape.aliases}.`));
        }
        if (shape.rootFields > limits.maxRootFields) {
          context.reportError(
            limitError('rootFields', limits.maxRootFields, shape.rootFields, `The operation selects ${shape.rootFields} root fields; the limit is ${limits.maxRootFields}.`),
          );
        }
        return false; // nothing below an operation needs this rule again
      },
    };
  };
}

/** Validation rules for depth, aliases and root fields (they need no variables). */
export function queryShapeRules(limits: QueryLimits): ValidationRule[] {
  return [shapeLimitsRule(limits)];
}

/**
 * The error for an operation whose cost exceeds `maxCost` (or cannot be computed); undefined
 * when it is within the limit. Over HTTP and over WebSocket alike.
 */
export function costLimitError(
  maxCost: number,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | null | undefined,
  variables: Record<string, unknown>,
): GraphQLError | undefined {
  const cost = operation ? costWithVariables(schema, document, operation, variables) : undefined;
  if (cost === undefined) {
    // An operation whose cost cannot be computed is refused, never run.
    return limitError('cost', maxCost, undefined, "The operation's cost could not be computed; it is refused.");
  }
  if (cost > maxCost) {
    return limitError('cost', maxCost, cost, `The operation's cost is ${cost}; the limit is ${maxCost}. Ask for smaller pages or fewer nested lists.`);
  }
  return undefined;
}

/** Costs already computed, per operation (Apollo hands each request of one text the same AST). */
const knownCosts = new WeakMap<OperationDefinitionNode, Map<string, number | undefined>>();
/** Variables longer than this as JSON are costed afresh (a key must stay cheaper than the walk). */
const MAX_COST_KEY = 256;
/** Distinct variable sets remembered per operation; the oldest goes first. */
const COSTS_PER_OPERATION = 64;

function variablesKey(variables: Record<string, unknown>): string | undefined {
  try {
    const key = JSON.stringify(variables);
    return key.length <= MAX_COST_KEY ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The operation's cost with these variables (undefined: it cannot be computed), remembered. */
function costWithVariables(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number | undefined {
  const key = variablesKey(variables);
  const known = key !== undefined ? knownCosts.get(operation) : undefined;
  if (known?.has(key!)) return known.get(key!);
  let cost: number | undefined;
  try {
    const root = schema.getRootType(operation.operation);
    cost = root ? selectionCost(schema, root, operation.selectionSet, fragmentsByName(document.definitions), variables) : undefined;
  } catch {
    cost = undefined;
  }
  if (key !== undefined) {
    const costs = known ?? new Map<string, number | undefined>();
    if (!known) knownCosts.set(operation, costs);
    if (costs.size >= COSTS_PER_OPERATION) costs.delete(costs.keys().next().value!);
    costs.set(key, cost);
  }
  return cost;
}

/**
 * Rejects operations whose cost exceeds `maxCost`. A plugin rather than a validation rule,
 * because the page sizes usually arrive as variables.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          const error = costLimitError(maxCost, schema, document, operation, request.variables ?? {});
          if (error) throw error;
        },
      };
    },
  };
}
