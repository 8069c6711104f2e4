/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    viewer {\n      id\n      username\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query OpenPositions($first: Int) {\n    positions(first: $first, status: OPEN) {\n      totalCount\n      edges {\n        node {\n          id\n          symbol\n          side\n          quantity\n          entryPrice\n          account {\n            label\n          }\n        }\n      }\n    }\n  }\n": typeof types.OpenPositionsDocument,
    "\n  query ExchangeAccounts {\n    exchangeAccounts {\n      id\n      exchange\n      label\n    }\n  }\n": typeof types.ExchangeAccountsDocument,
    "\n  fragment BalanceSummaryFields on BalanceSummary {\n    id\n    fromCache\n    computedAt\n    openPositions\n    realizedPnlByAsset {\n      asset\n      amount\n    }\n    equity {\n      asset\n      equity\n      unrealizedPnl\n    }\n    accounts {\n      account {\n        id\n        label\n      }\n      assets {\n        asset\n        free\n        locked\n        total\n      }\n    }\n  }\n": typeof types.BalanceSummaryFieldsFragmentDoc,
    "\n  query Balances {\n    balances {\n      ...BalanceSummaryFields\n    }\n  }\n": typeof types.BalancesDocument,
    "\n  subscription BalancesChanged {\n    balancesChanged(initial: true) {\n      ...BalanceSummaryFields\n    }\n  }\n": typeof types.BalancesChangedDocument,
    "\n  mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {\n    createExchangeAccount(input: $input) {\n      account {\n        id\n        exchange\n        label\n      }\n    }\n  }\n": typeof types.CreateExchangeAccountDocument,
    "\n  mutation Deposit($input: DepositInput!) {\n    deposit(input: $input) {\n      entry {\n        id\n        asset\n        amount\n        kind\n      }\n    }\n  }\n": typeof types.DepositDocument,
    "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        id\n        symbol\n        side\n        type\n        quantity\n        price\n        status\n        filledAt\n      }\n      position {\n        id\n        side\n        quantity\n        entryPrice\n      }\n      balances {\n        ...BalanceSummaryFields\n      }\n    }\n  }\n": typeof types.CreateOrderDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      id\n      username\n    }\n  }\n": types.ViewerDocument,
    "\n  query OpenPositions($first: Int) {\n    positions(first: $first, status: OPEN) {\n      totalCount\n      edges {\n        node {\n          id\n          symbol\n          side\n          quantity\n          entryPrice\n          account {\n            label\n          }\n        }\n      }\n    }\n  }\n": types.OpenPositionsDocument,
    "\n  query ExchangeAccounts {\n    exchangeAccounts {\n      id\n      exchange\n      label\n    }\n  }\n": types.ExchangeAccountsDocument,
    "\n  fragment BalanceSummaryFields on BalanceSummary {\n    id\n    fromCache\n    computedAt\n    openPositions\n    realizedPnlByAsset {\n      asset\n      amount\n    }\n    equity {\n      asset\n      equity\n      unrealizedPnl\n    }\n    accounts {\n      account {\n        id\n        label\n      }\n      assets {\n        asset\n        free\n        locked\n        total\n      }\n    }\n  }\n": types.BalanceSummaryFieldsFragmentDoc,
    "\n  query Balances {\n    balances {\n      ...BalanceSummaryFields\n    }\n  }\n": types.BalancesDocument,
    "\n  subscription BalancesChanged {\n    balancesChanged(initial: true) {\n      ...BalanceSummaryFields\n    }\n  }\n": types.BalancesChangedDocument,
    "\n  mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {\n    createExchangeAccount(input: $input) {\n      account {\n        id\n        exchange\n        label\n      }\n    }\n  }\n": types.CreateExchangeAccountDocument,
    "\n  mutation Deposit($input: DepositInput!) {\n    deposit(input: $input) {\n      entry {\n        id\n        asset\n        amount\n        kind\n      }\n    }\n  }\n": types.DepositDocument,
    "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        id\n        symbol\n        side\n        type\n        quantity\n        price\n        status\n        filledAt\n      }\n      position {\n        id\n        side\n        quantity\n        entryPrice\n      }\n      balances {\n        ...BalanceSummaryFields\n      }\n    }\n  }\n": types.CreateOrderDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      username\n    }\n  }\n"): typeof import('./graphql').ViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenPositions($first: Int) {\n    positions(first: $first, status: OPEN) {\n      totalCount\n      edges {\n        node {\n          id\n          symbol\n          side\n          quantity\n          entryPrice\n          account {\n            label\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').OpenPositionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExchangeAccounts {\n    exchangeAccounts {\n      id\n      exchange\n      label\n    }\n  }\n"): typeof import('./graphql').ExchangeAccountsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BalanceSummaryFields on BalanceSummary {\n    id\n    fromCache\n    computedAt\n    openPositions\n    realizedPnlByAsset {\n      asset\n      amount\n    }\n    equity {\n      asset\n      equity\n      unrealizedPnl\n    }\n    accounts {\n      account {\n        id\n        label\n      }\n      assets {\n        asset\n        free\n        locked\n        total\n      }\n    }\n  }\n"): typeof import('./graphql').BalanceSummaryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Balances {\n    balances {\n      ...BalanceSummaryFields\n    }\n  }\n"): typeof import('./graphql').BalancesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BalancesChanged {\n    balancesChanged(initial: true) {\n      ...BalanceSummaryFields\n    }\n  }\n"): typeof import('./graphql').BalancesChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {\n    createExchangeAccount(input: $input) {\n      account {\n        id\n        exchange\n        label\n      }\n    }\n  }\n"): typeof import('./graphql').CreateExchangeAccountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Deposit($input: DepositInput!) {\n    deposit(input: $input) {\n      entry {\n        id\n        asset\n        amount\n        kind\n      }\n    }\n  }\n"): typeof import('./graphql').DepositDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        id\n        symbol\n        side\n        type\n        quantity\n        price\n        status\n        filledAt\n      }\n      position {\n        id\n        side\n        quantity\n        entryPrice\n      }\n      balances {\n        ...BalanceSummaryFields\n      }\n    }\n  }\n"): typeof import('./graphql').CreateOrderDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
