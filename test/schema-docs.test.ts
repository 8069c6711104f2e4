import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode, type DocumentNode, type InputValueDefinitionNode, type StringValueNode } from 'graphql';

// The schema is the frontend teams' documentation (Apollo Sandbox and GraphiQL show it): every
// type, field, argument, input field and enum value says what it is, and every deprecation says
// why and what to use instead.

const SCHEMA = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

interface Entry {
  /** e.g. `Mutation.createOrder(input)` */
  name: string;
  line: number;
  description: string | undefined;
  directives: readonly ConstDirectiveNode[];
}

/** Every documentable element of a schema document, with where it is. */
function entries(document: DocumentNode): Entry[] {
  const found: Entry[] = [];
  const add = (
    name: string,
    node: { loc?: { startToken: { line: number } }; description?: StringValueNode; directives?: readonly ConstDirectiveNode[] },
  ) => found.push({ name, line: node.loc?.startToken.line ?? 0, description: node.description?.value, directives: node.directives ?? [] });
  const addArguments = (owner: string, args: readonly InputValueDefinitionNode[] | undefined) => {
    for (const arg of args ?? []) add(`${owner}(${arg.name.value})`, arg);
  };

  for (const definition of document.definitions as readonly DefinitionNode[]) {
    switch (definition.kind) {
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
        add(definition.name.value, definition);
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        // An extension (`extend type Query`) cannot carry a description; its fields must.
        if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) add(definition.name.value, definition);
        for (const field of definition.fields ?? []) {
          const name = `${definition.name.value}.${field.name.value}`;
          add(name, field);
          addArguments(name, field.arguments);
        }
        break;
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) add(definition.name.value, definition);
        for (const field of definition.fields ?? []) add(`${definition.name.value}.${field.name.value}`, field);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION:
        if (definition.kind === Kind.ENUM_TYPE_DEFINITION) add(definition.name.value, definition);
        for (const value of definition.values ?? []) add(`${definition.name.value}.${value.name.value}`, value);
        break;
      case Kind.DIRECTIVE_DEFINITION:
        add(`@${definition.name.value}`, definition);
        addArguments(`@${definition.name.value}`, definition.arguments);
        break;
      default:
        break;
    }
  }
  return found;
}

const where = (entry: Entry) => `${entry.name} (schema.graphql:${entry.line})`;

/** Elements without a description. */
const undocumented = (document: DocumentNode) => entries(document).filter((entry) => !entry.description?.trim()).map(where);

/** Descriptions that do not read as a sentence: a capital (or code) first, a full stop last. */
const unlikeSentences = (document: DocumentNode) =>
  entries(document)
    .filter((entry) => entry.description?.trim())
    .filter((entry) => !/^[A-Z`"(]/.test(entry.description!.trim()) || !/[.!?)`]$/.test(entry.description!.trim()))
    .map((entry) => `${where(entry)}: ${JSON.stringify(entry.description)}`);

/** @deprecated without a reason (GraphQL's default, "No longer supported", says nothing). */
const unexplainedDeprecations = (document: DocumentNode) =>
  entries(document)
    .filter((entry) =>
      entry.directives.some((directive) => {
        if (directive.name.value !== 'deprecated') return false;
        const reason = directive.arguments?.find((arg) => arg.name.value === 'reason')?.value;
        return reason?.kind !== Kind.STRING || reason.value.trim().length < 10;
      }),
    )
    .map(where);

describe('schema.graphql as documentation', () => {
  test('the schema is read whole (sanity check of this test)', () => {
    const names = entries(SCHEMA).map((entry) => entry.name);
    expect(names.length).toBeGreaterThan(300);
    expect(names).toEqual(expect.arrayContaining(['Query', 'Query.viewer', 'Mutation.createOrder(input)', 'OrderSide.BUY', 'CreateOrderInput.symbol']));
  });

  test('every type, field, argument, input field and enum value has a description', () => {
    expect(undocumented(SCHEMA)).toEqual([]);
  });

  test('descriptions read as sentences: a capital (or code) first, a full stop last', () => {
    expect(unlikeSentences(SCHEMA)).toEqual([]);
  });

  test('every @deprecated gives a reason', () => {
    expect(unexplainedDeprecations(SCHEMA)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const sample = parse(`
    "A thing."
    type Thing {
      "Its name."
      name: String!
      old: String @deprecated
      older: String @deprecated(reason: "Use \`name\`: \`older\` goes away in 2027.")
      "lower case, no stop"
      sloppy(first: Int): String
    }
    extend type Thing { "Added later." added: Int }
    enum Color { "Red." RED GREEN }
    input Filter { "By name." name: String, tag: String }
    type Query { thing: Thing }
  `);

  test('they find what is missing, sloppy or unexplained', () => {
    expect(undocumented(sample)).toEqual([
      'Thing.old (schema.graphql:6)',
      'Thing.older (schema.graphql:7)',
      'Thing.sloppy(first) (schema.graphql:9)',
      'Color (schema.graphql:12)',
      'Color.GREEN (schema.graphql:12)',
      'Filter (schema.graphql:13)',
      'Filter.tag (schema.graphql:13)',
      'Query (schema.graphql:14)',
      'Query.thing (schema.graphql:14)',
    ]);
    expect(unlikeSentences(sample)).toEqual(['Thing.sloppy (schema.graphql:8): "lower case, no stop"']);
    expect(unexplainedDeprecations(sample)).toEqual(['Thing.old (schema.graphql:6)']);
  });
});
