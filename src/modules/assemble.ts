import type { GraphQLFieldResolver } from 'graphql';
import type { Resolvers } from '../generated/graphql';
import { clearLoader } from '../graphql/batch';
import type { GatewayModule, LoaderFactories, LoaderScope } from './module';

/** A request's loaders, plus the one way to empty them all (after a mutation). */
export interface LoaderSet {
  clearAll(): void;
  /** The Node of `type` with database id `id` as the viewer may see it; undefined for a type that is no Node. */
  loadNode(type: string, id: number): Promise<object | null> | undefined;
}

export interface AssembledModules {
  readonly resolvers: Resolvers;
  /** A fresh, lazily filled loader set for one request. */
  createLoaders(scope: LoaderScope): LoaderSet;
  /** Node type name → loader name (for `node(id:)`). */
  readonly nodeLoaders: ReadonlyMap<string, string>;
  /** Codegen mappers: GraphQL type → `path#Model`, relative to src/generated. */
  readonly mappers: Readonly<Record<string, string>>;
}

const RESERVED_LOADER_NAMES = new Set(['clearAll', 'loadNode', 'constructor', '__proto__']);

function claim(owners: Map<string, string>, what: string, key: string, owner: string): void {
  const previous = owners.get(key);
  if (previous !== undefined) throw new Error(`${what} ${key} is defined by both the ${previous} and the ${owner} module`);
  owners.set(key, owner);
}

/**
 * Puts the modules together: their resolvers merged per type, their loaders in one per-request
 * set, their Node types and codegen mappers in one table each. A name two modules both define
 * (a field of a type, a loader, a Node type, a mapper) throws here, at startup, instead of one
 * silently winning.
 */
export function assembleModules(modules: readonly GatewayModule[]): AssembledModules {
  const moduleNames = new Map<string, string>();
  const fieldOwners = new Map<string, string>();
  const loaderOwners = new Map<string, string>();
  const nodeOwners = new Map<string, string>();
  const mapperOwners = new Map<string, string>();
  const resolvers: Record<string, Record<string, unknown>> = {};
  const factories: Record<string, LoaderFactories[string]> = {};
  const nodeLoaders = new Map<string, string>();
  const mappers: Record<string, string> = {};

  for (const module of modules) {
    claim(moduleNames, 'module', module.name, module.name);
    for (const [typeName, fields] of Object.entries(module.resolvers)) {
      // A scalar's resolver is one object, not a map of fields: it belongs to one module.
      if (!isFieldMap(fields)) {
        claim(fieldOwners, 'type', typeName, module.name);
        resolvers[typeName] = fields as Record<string, unknown>;
        continue;
      }
      const target = (resolvers[typeName] ??= {});
      for (const [field, resolve] of Object.entries(fields)) {
        claim(fieldOwners, 'field', `${typeName}.${field}`, module.name);
        target[field] = resolve;
      }
    }
    for (const [name, factory] of Object.entries(module.loaders ?? {})) {
      if (RESERVED_LOADER_NAMES.has(name)) throw new Error(`loader name ${name} (in the ${module.name} module) is reserved`);
      claim(loaderOwners, 'loader', name, module.name);
      factories[name] = factory;
    }
    for (const [typeName, loaderName] of Object.entries(module.nodes ?? {})) {
      claim(nodeOwners, 'Node type', typeName, module.name);
      nodeLoaders.set(typeName, loaderName);
    }
    for (const typeName of module.models ?? []) {
      claim(mapperOwners, 'mapper of', typeName, module.name);
      mappers[typeName] = `../modules/${module.name}/${module.name}.models#${typeName}Model`;
    }
  }
  for (const [typeName, loaderName] of nodeLoaders) {
    if (!(loaderName in factories)) throw new Error(`Node type ${typeName} names loader ${loaderName}, which no module defines`);
  }
  return { resolvers: resolvers as Resolvers, createLoaders: loaderSetOf(factories, nodeLoaders), nodeLoaders, mappers };
}

/** GraphQLScalarType instances and enum maps are not field maps. */
function isFieldMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value).every((field) => typeof field === 'function' || (typeof field === 'object' && field !== null && 'resolve' in field));
}

const SCOPE = Symbol('scope');
const MADE = Symbol('made');

/**
 * One class per assembly, with a getter per loader on its prototype: a request pays for the
 * loaders its fields use, not for every loader of every module.
 */
function loaderSetOf(factories: Record<string, LoaderFactories[string]>, nodeLoaders: ReadonlyMap<string, string>): (scope: LoaderScope) => LoaderSet {
  class RequestLoaders implements LoaderSet {
    readonly [MADE] = new Map<string, unknown>();
    readonly [SCOPE]: LoaderScope;
    constructor(scope: LoaderScope) {
      this[SCOPE] = scope;
    }
    clearAll(): void {
      for (const loader of this[MADE].values()) clearLoader(loader);
    }
    loadNode(type: string, id: number): Promise<object | null> | undefined {
      const loaderName = nodeLoaders.get(type);
      if (loaderName === undefined) return undefined;
      return (this as unknown as Record<string, { load(id: number): Promise<object | null> }>)[loaderName]!.load(id);
    }
  }
  for (const [name, factory] of Object.entries(factories)) {
    Object.defineProperty(RequestLoaders.prototype, name, {
      enumerable: true,
      get(this: RequestLoaders) {
        let loader = this[MADE].get(name);
        if (loader === undefined) {
          loader = factory(this[SCOPE]);
          this[MADE].set(name, loader);
        }
        return loader;
      },
    });
  }
  return (scope) => new RequestLoaders(scope);
}

/**
 * Empties the request's loaders after every mutation field (whether it succeeded or not), so
 * its result fields and later mutations of the same operation read the data as it now is.
 * One wrapper over every module's mutations, so no module can forget it.
 */
export function clearLoadersAfterMutations(resolvers: Resolvers): Resolvers {
  const mutations = resolvers.Mutation as Record<string, GraphQLFieldResolver<unknown, { loaders: LoaderSet }>> | undefined;
  if (!mutations) return resolvers;
  const wrapped = Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => [
      name,
      async (parent: unknown, args: Record<string, unknown>, context: { loaders: LoaderSet }, info: Parameters<typeof resolve>[3]) => {
        try {
          return await resolve(parent, args, context, info);
        } finally {
          context.loaders.clearAll();
        }
      },
    ]),
  );
  return { ...resolvers, Mutation: wrapped } as Resolvers;
}
