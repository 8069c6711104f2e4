import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../pagination';

/**
 * Walks over an operation's selections that visit each fragment once, whatever the document's
 * shape: a fragment's figure is computed the first time it is spread and reused after, so a
 * document whose fragments spread each other ten times, six levels deep, costs what its text
 * costs to read rather than 10^6 visits. Spreads count with their multiplicity (a fragment spread
 * twice counts twice), which is what the limits must see.
 *
 * A spread of a fragment that is being computed (a cycle, which validation rejects anyway) counts 0.
 */
function memoisedWalk<T>(fragments: ReadonlyMap<string, FragmentDefinitionNode>, ofFragment: (fragment: FragmentDefinitionNode) => T, none: T) {
  const done = new Map<string, T>();
  const inProgress = new Set<string>();
  return (name: string): T => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return none;
    inProgress.add(name);
    const value = ofFragment(fragment);
    inProgress.delete(name);
    done.set(name, value);
    return value;
  };
}

/** The figures the shape limits check, for one operation, fragments expanded. */
export interface SelectionShape {
  /** The deepest field nesting (fragments add no level). */
  depth: number;
  /** Aliased fields. */
  aliases: number;
  /** Fields selected at the root. */
  rootFields: number;
}

/** Clamps a count so that multiplying counts never leaves the safe integers. */
const clamp = (value: number) => Math.min(value, Number.MAX_SAFE_INTEGER);

/** Depth, aliases and root fields of a selection set, in one linear pass. */
export function selectionShape(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): SelectionShape {
  const depthOf = (set: SelectionSetNode): number => {
    let depth = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) depth = Math.max(depth, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0));
      else if (selection.kind === Kind.INLINE_FRAGMENT) depth = Math.max(depth, depthOf(selection.selectionSet));
      else depth = Math.max(depth, fragmentDepth(selection.name.value));
    }
    return depth;
  };
  const fragmentDepth = memoisedWalk(fragments, (fragment) => depthOf(fragment.selectionSet), 0);

  const aliasesOf = (set: SelectionSetNode): number => {
    let aliases = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) aliases += (selection.alias ? 1 : 0) + (selection.selectionSet ? aliasesOf(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) aliases += aliasesOf(selection.selectionSet);
      else aliases += fragmentAliases(selection.name.value);
    }
    return clamp(aliases);
  };
  const fragmentAliases = memoisedWalk(fragments, (fragment) => aliasesOf(fragment.selectionSet), 0);

  const fieldsOf = (set: SelectionSetNode): number => {
    let fields = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields += 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields += fieldsOf(selection.selectionSet);
      else fields += fragmentFields(selection.name.value);
    }
    return clamp(fields);
  };
  const fragmentFields = memoisedWalk(fragments, (fragment) => fieldsOf(fragment.selectionSet), 0);

  return { depth: depthOf(selectionSet), aliases: aliasesOf(selectionSet), rootFields: fieldsOf(selectionSet) };
}

/**
 * The fields an operation selects with its fragments expanded (each spread counts its fragment's
 * fields again), in one linear pass: what code generated per field would have to cover.
 */
export function expandedFieldCount(document: DocumentNode, operationName: string | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const fieldsOf = (set: SelectionSetNode): number => {
    let fields = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields += 1 + (selection.selectionSet ? fieldsOf(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields += fieldsOf(selection.selectionSet);
      else fields += fragmentFields(selection.name.value);
    }
    return clamp(fields);
  };
  const fragmentFields = memoisedWalk(fragments, (fragment) => fieldsOf(fragment.selectionSet), 0);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || definition.name?.value === operationName),
  );
  return operation ? fieldsOf(operation.selectionSet) : 0;
}

/** Plain lists without paging arguments are small (identifiers, accounts…); assume this many. */
export const ASSUMED_LIST_SIZE = 10;

/**
 * The cost of a selection set, in which page sizes multiply: a connection costs `first`
 * (default 20) times what one of its nodes costs, so `items(first: 100) { events(first: 100) { … } }`
 * costs about 10 000 per field; a plain list is assumed to hold ten; every other field costs 1.
 * Linear in the document: each fragment's cost is computed once (a fragment's type condition
 * fixes its fields, and the variables are fixed for the request).
 */
export function selectionCost(
  schema: GraphQLSchema,
  rootType: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>>,
): number {
  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) cost += fieldCost(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += costOf(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else cost += fragmentCost(selection.name.value);
    }
    return clamp(cost);
  };
  const fragmentCost = memoisedWalk(fragments, (fragment) => costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)), 0);

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    const field = fieldOf(schema, parent, node.name.value);
    const child = node.selectionSet ? costOf(node.selectionSet, field ? getNamedType(field.type) : undefined) : 0;
    if (!field) return 1 + child; // unknown fields fail validation; count them anyway
    // A connection's `edges` are the page its `first` already counted.
    if (node.name.value === 'edges') return clamp(1 + child);
    const type = getNullableType(field.type);
    if (getNamedType(type).name.endsWith('Connection')) {
      const first = argumentValue(node, 'first', variables);
      return clamp(1 + Math.max(typeof first === 'number' && Number.isFinite(first) ? first : DEFAULT_PAGE_SIZE, 1) * child);
    }
    if (isListType(type)) return clamp(1 + ASSUMED_LIST_SIZE * child);
    return clamp(1 + child);
  };

  return costOf(selectionSet, rootType);
}

function fieldOf(schema: GraphQLSchema, parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}

/** An argument's value when it is a literal or a variable; undefined otherwise. */
function argumentValue(node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const argument = node.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  return literalOrVariable(argument.value, variables);
}

function literalOrVariable(value: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}

/** The document's fragments by name (the first of a duplicated name: validation rejects the rest). */
export function fragmentsByName(definitions: readonly { kind: Kind }[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const fragment = definition as FragmentDefinitionNode;
    if (!fragments.has(fragment.name.value)) fragments.set(fragment.name.value, fragment);
  }
  return fragments;
}
