import type { PrismaClient } from '../generated/prisma/client';
import type { Resolvers } from '../generated/graphql';

/** What a module's loaders are made from, per request: the database and who is asking. */
export interface LoaderScope {
  readonly prisma: PrismaClient;
  /** The viewer's id; reading it without credentials throws UNAUTHENTICATED. */
  viewerId(): number;
}

/** A module's loaders, each made on first use within a request (most requests use few). */
export type LoaderFactories = Readonly<Record<string, (scope: LoaderScope) => unknown>>;

/** The loaders a set of factories makes. */
export type LoadersOf<F> = { readonly [K in keyof F]: F[K] extends (scope: LoaderScope) => infer L ? L : never };

/**
 * One domain module: everything the gateway needs to know about it. Adding a module is writing
 * one of these and listing it in `src/modules/index.ts`.
 */
export interface GatewayModule<F extends LoaderFactories = LoaderFactories> {
  /** The module's folder name under src/modules (its models file is `<name>/<name>.models.ts`). */
  readonly name: string;
  readonly resolvers: Resolvers;
  readonly loaders?: F;
  /**
   * The Node types this module owns, each with the name of the loader (of any module) that
   * fetches one by database id, scoped to what the viewer may see. `node(id:)` uses them.
   */
  readonly nodes?: Readonly<Record<string, string>>;
  /**
   * The GraphQL types whose parent value is a model of this module: codegen maps each `T` to
   * `T + 'Model'`, exported by the module's models file.
   */
  readonly models?: readonly string[];
}

/** Declares a module, keeping its loader factories' types (so `Loaders` knows every loader). */
export const defineModule = <F extends LoaderFactories = Record<never, never>>(module: GatewayModule<F>): GatewayModule<F> => module;
