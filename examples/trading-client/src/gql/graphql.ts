/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO-8601 string in UTC (e.g. `2026-01-05T09:30:00.000Z`). */
  DateTime: { input: string; output: string; }
  /**
   * An exact decimal number encoded as a string (e.g. `"1234.5678"`), used for money, prices and
   * quantities so that no precision is lost to floating point. Always a string in answers. As input,
   * a string, or a JSON number taken as the exact text of its shortest form (`0.1` is `"0.1"`, `1e-7`
   * is `"0.0000001"`); either way at most 18 digits before and 18 after the point.
   */
  Decimal: { input: string; output: string; }
  /** Arbitrary JSON data, as recorded by the producer of an event. */
  JSON: { input: unknown; output: unknown; }
  /**
   * Which way a trade went, as the bot reports it: `1` (or `"1"`, `"BUY"`, `"buy"`) is `BUY`, `-1`
   * (or `"-1"`, `"SELL"`, `"sell"`) is `SELL`; other text (1 to 20 characters) is kept as written.
   * Any other number is refused. Stored, and answered in `Trade.direction`, as that text.
   */
  TradeDirection: { input: string | number; output: string; }
};

/** Narrows `ExchangeAccount.orders`: every field given must hold (they combine with AND). */
export type AccountOrderFilter = {
  /** Only BUY or only SELL orders. */
  side?: InputMaybe<OrderSide>;
  /** Only orders in this status (NEW: the open ones). */
  status?: InputMaybe<OrderStatus>;
  /** Only orders of this symbol: `BASE-QUOTE` (`BTC-USDT`) or exchange-native (`BTCUSDT`). */
  symbol?: InputMaybe<Scalars['String']['input']>;
  /** Only orders of this type. */
  type?: InputMaybe<OrderType>;
};

/** Who `addCircuitMember` adds, and with which role. */
export type AddCircuitMemberInput = {
  /** The circuit's global ID. */
  circuitId: Scalars['ID']['input'];
  /** The new member's role: ADMIN, MEMBER or VIEWER (a circuit has one OWNER). Defaults to MEMBER. */
  role?: InputMaybe<CircuitRole>;
  /** The username of the user to add. */
  username: Scalars['String']['input'];
};

/** Whose role `changeCircuitMemberRole` changes, in which circuit, to what. */
export type ChangeCircuitMemberRoleInput = {
  /** The circuit's global ID. */
  circuitId: Scalars['ID']['input'];
  /** The member's new role; OWNER hands the circuit over (the OWNER only). */
  role: CircuitRole;
  /** The username of the member. */
  username: Scalars['String']['input'];
};

/** What a member may do in a circuit. */
export type CircuitRole =
  /** May add members and push items. */
  | 'ADMIN'
  /** May push items. */
  | 'MEMBER'
  /** Created the circuit; may do everything. */
  | 'OWNER'
  /** May only read. */
  | 'VIEWER';

/** What `closePosition` closes. */
export type ClosePositionInput = {
  /** The price it closes at (> 0). */
  exitPrice: Scalars['Decimal']['input'];
  /** The position's global ID. */
  positionId: Scalars['ID']['input'];
};

/** What `createApiKey` creates. */
export type CreateApiKeyInput = {
  /** A name for the key (1 to 100 characters). */
  name: Scalars['String']['input'];
};

/** What `createCircuit` creates. */
export type CreateCircuitInput = {
  /** What the circuit is for. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The circuit's name. */
  name: Scalars['String']['input'];
};

/** What `createExchangeAccount` opens. */
export type CreateExchangeAccountInput = {
  /** The exchange, e.g. `paper`. */
  exchange: Scalars['String']['input'];
  /** The viewer's name for the account. */
  label: Scalars['String']['input'];
};

/** What `createOrder` places. */
export type CreateOrderInput = {
  /** The account's global ID. */
  accountId: Scalars['ID']['input'];
  /** The client's own ID, for safe retries. */
  clientOrderId?: InputMaybe<Scalars['String']['input']>;
  /** The position to grow or reduce (same account and symbol). */
  positionId?: InputMaybe<Scalars['ID']['input']>;
  /** The fill price (MARKET) or the limit price (LIMIT), > 0. */
  price: Scalars['Decimal']['input'];
  /** How much of the base asset (> 0). */
  quantity: Scalars['Decimal']['input'];
  /** BUY or SELL. */
  side: OrderSide;
  /** The instrument: `BASE-QUOTE` (`BTC-USDT`) or exchange-native (`BTCUSDT`, `EURUSD`, split at the longest known quote asset); stored as `BASE-QUOTE`. */
  symbol: Scalars['String']['input'];
  /** MARKET or LIMIT. */
  type: OrderType;
};

/** What `deposit` pays in. */
export type DepositInput = {
  /** The account's global ID. */
  accountId: Scalars['ID']['input'];
  /** How much (> 0). */
  amount: Scalars['Decimal']['input'];
  /** The asset, e.g. `USDT`. */
  asset: Scalars['String']['input'];
  /** The client's reference, for safe retries. */
  reference?: InputMaybe<Scalars['String']['input']>;
};

/** How `endTradingSession` ends a session. */
export type EndTradingSessionInput = {
  /** The balance at the end; defaults to the last heartbeat's balance. */
  finalBalance?: InputMaybe<Scalars['Decimal']['input']>;
  /** Why the session ends. */
  reason: SessionEndReason;
  /** The session's global ID. */
  sessionId: Scalars['ID']['input'];
};

/** What `heartbeat` records. */
export type HeartbeatInput = {
  /** The account balance now. */
  currentBalance: Scalars['Decimal']['input'];
  /** The session's global ID. */
  sessionId: Scalars['ID']['input'];
};

/** Narrows `Query.items`. */
export type ItemFilter = {
  /** Only items that have an alias equal to this text. */
  alias?: InputMaybe<Scalars['String']['input']>;
  /** Only items whose dfid starts with this text. */
  dfidPrefix?: InputMaybe<Scalars['String']['input']>;
  /** Only items in legacy mode (true) or not (false). */
  legacyMode?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only items with a confidence score of at least this. */
  minConfidence?: InputMaybe<Scalars['Float']['input']>;
};

/** An identifier to attach to an item. */
export type ItemIdentifierInput = {
  /** The kind of identifier, e.g. `gtin`. */
  key: Scalars['String']['input'];
  /** Its value. */
  value: Scalars['String']['input'];
};

/** Narrows an account's ledger: every field given must hold (they combine with AND). */
export type LedgerEntryFilter = {
  /** Only entries in this asset, e.g. `USDT`. */
  asset?: InputMaybe<Scalars['String']['input']>;
  /** Only entries booked at or after this instant. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only entries of this kind. */
  kind?: InputMaybe<LedgerKind>;
  /** Only entries booked before this instant (must be later than `from`). */
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What an account's ledger entry records. */
export type LedgerKind =
  /** A fee. */
  | 'COMMISSION'
  /** Money paid in. */
  | 'DEPOSIT'
  /** Money moved into or out of a position by a fill. */
  | 'FILL'
  /** Profit or loss of a closed position. */
  | 'REALIZED_PNL'
  /** Money paid out. */
  | 'WITHDRAWAL';

/** What `logSessionEvent` stores. */
export type LogSessionEventInput = {
  /** The event's payload. */
  data?: InputMaybe<Scalars['JSON']['input']>;
  /** When it happened; defaults to now. */
  occurredAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The session's global ID. */
  sessionId: Scalars['ID']['input'];
  /** What happened, e.g. `RISK_LIMIT`. */
  type: Scalars['String']['input'];
};

/** A trade as the bot reports it. */
export type LogTradeInput = {
  /** OPEN or CLOSE. */
  action: TradeAction;
  /** A note. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** The commission paid. */
  commission?: InputMaybe<Scalars['Decimal']['input']>;
  /** The direction: `1` or `BUY`, `-1` or `SELL` (stored as `BUY` / `SELL`), or other text kept as written. */
  direction: Scalars['TradeDirection']['input'];
  /** The entry price. */
  entryPrice?: InputMaybe<Scalars['Decimal']['input']>;
  /** When it was executed; defaults to now. */
  executedAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The exit price. */
  exitPrice?: InputMaybe<Scalars['Decimal']['input']>;
  /** The market regime the bot saw. */
  hmmState?: InputMaybe<Scalars['Int']['input']>;
  /** The signal strength (a number; integers are accepted). */
  intensity?: InputMaybe<Scalars['Float']['input']>;
  /** Whether it was a paper trade. Defaults to false. */
  isPaper?: InputMaybe<Scalars['Boolean']['input']>;
  /** The profit or loss. */
  pnl?: InputMaybe<Scalars['Decimal']['input']>;
  /** The profit or loss in pips. */
  pnlPips?: InputMaybe<Scalars['Decimal']['input']>;
  /** The viewer's exchange position (global ID) the trade belongs to. */
  positionId?: InputMaybe<Scalars['ID']['input']>;
  /** The session's global ID. */
  sessionId: Scalars['ID']['input'];
  /** The instrument: `BASE-QUOTE` (`EUR-USD`, `BTC-USDT`) or exchange-native (`EURUSD`, `BTCUSDT`, split at the longest known quote asset); stored as `BASE-QUOTE`. */
  symbol: Scalars['String']['input'];
  /** The bot's own ID for the trade, unique within the session. */
  tradeId: Scalars['String']['input'];
  /** The traded volume (positive). */
  volume: Scalars['Decimal']['input'];
};

/** One price `recordMarkPrices` records. */
export type MarkPriceInput = {
  /** When the price was observed (default: now); at most a minute ahead of the gateway's clock. */
  at?: InputMaybe<Scalars['DateTime']['input']>;
  /** The price (> 0). */
  price: Scalars['Decimal']['input'];
  /** The instrument: `BASE-QUOTE` or exchange-native (`BTCUSDT`). */
  symbol: Scalars['String']['input'];
};

/** Narrows `Query.orders`: every field given must hold (they combine with AND). */
export type OrderFilter = {
  /** Only orders in this exchange account of the viewer's (global ID); another user's account matches nothing. */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Only BUY or only SELL orders. */
  side?: InputMaybe<OrderSide>;
  /** Only orders in this status (NEW: the open ones). */
  status?: InputMaybe<OrderStatus>;
  /** Only orders of this symbol: `BASE-QUOTE` (`BTC-USDT`) or exchange-native (`BTCUSDT`). */
  symbol?: InputMaybe<Scalars['String']['input']>;
  /** Only orders of this type. */
  type?: InputMaybe<OrderType>;
};

/** Buy or sell. */
export type OrderSide =
  /** Buy: opens or grows a LONG position. */
  | 'BUY'
  /** Sell: opens or grows a SHORT position. */
  | 'SELL';

/** Where an order is in its life. */
export type OrderStatus =
  /** Canceled before it executed. */
  | 'CANCELED'
  /** Executed. */
  | 'FILLED'
  /** Placed and waiting. */
  | 'NEW';

/** How an order executes. */
export type OrderType =
  /** Waits (NEW) at its price; its funds are locked until it is canceled. */
  | 'LIMIT'
  /** Fills at once at the given price. */
  | 'MARKET'
  /** Protective order that closes a position when the price falls through its level. */
  | 'STOP_LOSS'
  /** Protective order that closes a position when the price reaches its level. */
  | 'TAKE_PROFIT';

/** Narrows `Query.positions`: every field given must hold (they combine with AND, and with `status`). */
export type PositionFilter = {
  /** Only positions in this exchange account of the viewer's (global ID). */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Only LONG or only SHORT positions. */
  side?: InputMaybe<PositionSide>;
  /** Only positions of this symbol: `BASE-QUOTE` (`BTC-USDT`) or exchange-native (`BTCUSDT`). */
  symbol?: InputMaybe<Scalars['String']['input']>;
};

/** Which way a position is exposed. */
export type PositionSide =
  /** Profits when the price rises. */
  | 'LONG'
  /** Profits when the price falls. */
  | 'SHORT';

/** Whether a position is still open. */
export type PositionStatus =
  /** Closed, with its realized PnL. */
  | 'CLOSED'
  /** Open: exposed to the market. */
  | 'OPEN';

/** Which item `pushItemToCircuit` shares with which circuit. */
export type PushItemToCircuitInput = {
  /** The circuit's global ID. */
  circuitId: Scalars['ID']['input'];
  /** The item's dfid. */
  dfid: Scalars['String']['input'];
};

/** What `recordItemEvent` records. */
export type RecordItemEventInput = {
  /** The event's payload. */
  data?: InputMaybe<Scalars['JSON']['input']>;
  /** The item's dfid. */
  dfid: Scalars['String']['input'];
  /** When it happened; defaults to now. */
  occurredAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Who or what reports it. */
  source?: InputMaybe<Scalars['String']['input']>;
  /** What happened, e.g. `SHIPPED`. */
  type: Scalars['String']['input'];
};

/** Whom `removeCircuitMember` removes from which circuit. */
export type RemoveCircuitMemberInput = {
  /** The circuit's global ID. */
  circuitId: Scalars['ID']['input'];
  /** The username of the member to remove. */
  username: Scalars['String']['input'];
};

/** Why a trading session ended. */
export type SessionEndReason =
  /** The trading day ended. */
  | 'DAY_CHANGE'
  /** A risk limit or a failure stopped the bot. */
  | 'EMERGENCY'
  /** A person stopped it. */
  | 'MANUAL'
  /** The bot finished its plan. */
  | 'NORMAL'
  /** The session was ended while recovering from a crash. */
  | 'RECOVERED'
  /** The bot did not say. */
  | 'UNKNOWN';

/** Whether a trading bot's session is still going. */
export type SessionStatus =
  /** The bot is (or was last known to be) trading. */
  | 'RUNNING'
  /** The session has ended. */
  | 'STOPPED';

/** What `setPositionProtection` sets. */
export type SetPositionProtectionInput = {
  /** The position's global ID. */
  positionId: Scalars['ID']['input'];
  /** The stop-loss level: below the entry price for LONG, above for SHORT. */
  stopLoss?: InputMaybe<Scalars['Decimal']['input']>;
  /** The take-profit level: above the entry price for LONG, below for SHORT. */
  takeProfit?: InputMaybe<Scalars['Decimal']['input']>;
};

/** What `startTradingSession` starts. */
export type StartTradingSessionInput = {
  /** The account balance at the start. */
  initialBalance: Scalars['Decimal']['input'];
  /** The bot's name for the session (1 to 200 characters). */
  sessionKey: Scalars['String']['input'];
  /** The symbols the bot will trade, in either form `logTrade` accepts; stored as `BASE-QUOTE`, once each. */
  symbols: Array<Scalars['String']['input']>;
};

/** What `storeItem` stores. */
export type StoreItemInput = {
  /** Aliases to add (existing ones are kept). */
  aliases?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Replaces the confidence score (0 to 1) when given. */
  confidenceScore?: InputMaybe<Scalars['Float']['input']>;
  /** The item's dfid: the key of the upsert. */
  dfid: Scalars['String']['input'];
  /** The entry's reference in that system. */
  entryRef?: InputMaybe<Scalars['String']['input']>;
  /** Replaces the fingerprint when given. */
  fingerprint?: InputMaybe<Scalars['String']['input']>;
  /** Identifiers to add (existing ones are kept). */
  identifiers?: InputMaybe<Array<ItemIdentifierInput>>;
  /** Replaces the legacy-mode flag when given. */
  legacyMode?: InputMaybe<Scalars['Boolean']['input']>;
  /** The system the data comes from, e.g. `erp`. */
  source: Scalars['String']['input'];
};

/** Whether a trade opened or closed exposure. */
export type TradeAction =
  /** The trade closed (or reduced) a position. */
  | 'CLOSE'
  /** The trade opened (or added to) a position. */
  | 'OPEN';

/** Narrows `Query.trades`: every field given must hold (they combine with AND). */
export type TradeFilter = {
  /** Only trades that opened (OPEN) or closed (CLOSE) exposure. */
  action?: InputMaybe<TradeAction>;
  /** Only trades in this direction, in any form `logTrade` accepts (`1` or `BUY`, `-1` or `SELL`). */
  direction?: InputMaybe<Scalars['TradeDirection']['input']>;
  /** Only trades executed at or after this instant. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only paper trades (true) or real ones (false). */
  isPaper?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only trades linked to this exchange position (global ID). */
  positionId?: InputMaybe<Scalars['ID']['input']>;
  /** Only trades of this session (global ID). */
  sessionId?: InputMaybe<Scalars['ID']['input']>;
  /** Only trades of this symbol: `BASE-QUOTE` (`EUR-USD`) or exchange-native (`EURUSD`, `BTCUSDT`), either matching both spellings. */
  symbol?: InputMaybe<Scalars['String']['input']>;
  /** Only trades executed before this instant. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What `withdraw` pays out. */
export type WithdrawInput = {
  /** The account's global ID. */
  accountId: Scalars['ID']['input'];
  /** How much (> 0); the entry books minus this. */
  amount: Scalars['Decimal']['input'];
  /** The asset, e.g. `USDT`. */
  asset: Scalars['String']['input'];
  /** The client's reference for this withdrawal, unique per account (required: a retried withdrawal is never paid twice). */
  reference: Scalars['String']['input'];
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'User', id: string, username: string } };

export type OpenPositionsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type OpenPositionsQuery = { __typename?: 'Query', positions: { __typename?: 'PositionConnection', totalCount: number, edges: Array<{ __typename?: 'PositionEdge', node: { __typename?: 'Position', id: string, symbol: string, side: PositionSide, quantity: string, entryPrice: string, account: { __typename?: 'ExchangeAccount', label: string } } }> } };

export type ExchangeAccountsQueryVariables = Exact<{ [key: string]: never; }>;


export type ExchangeAccountsQuery = { __typename?: 'Query', exchangeAccounts: Array<{ __typename?: 'ExchangeAccount', id: string, exchange: string, label: string }> };

export type BalanceSummaryFieldsFragment = { __typename?: 'BalanceSummary', id: string, fromCache: boolean, computedAt: string, openPositions: number, realizedPnlByAsset: Array<{ __typename?: 'AssetAmount', asset: string, amount: string }>, equity: Array<{ __typename?: 'QuoteEquity', asset: string, equity: string, unrealizedPnl: string }>, accounts: Array<{ __typename?: 'AccountBalance', account: { __typename?: 'ExchangeAccount', id: string, label: string }, assets: Array<{ __typename?: 'AssetBalance', asset: string, free: string, locked: string, total: string }> }> };

export type BalancesQueryVariables = Exact<{ [key: string]: never; }>;


export type BalancesQuery = { __typename?: 'Query', balances: { __typename?: 'BalanceSummary', id: string, fromCache: boolean, computedAt: string, openPositions: number, realizedPnlByAsset: Array<{ __typename?: 'AssetAmount', asset: string, amount: string }>, equity: Array<{ __typename?: 'QuoteEquity', asset: string, equity: string, unrealizedPnl: string }>, accounts: Array<{ __typename?: 'AccountBalance', account: { __typename?: 'ExchangeAccount', id: string, label: string }, assets: Array<{ __typename?: 'AssetBalance', asset: string, free: string, locked: string, total: string }> }> } };

export type BalancesChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type BalancesChangedSubscription = { __typename?: 'Subscription', balancesChanged: { __typename?: 'BalanceSummary', id: string, fromCache: boolean, computedAt: string, openPositions: number, realizedPnlByAsset: Array<{ __typename?: 'AssetAmount', asset: string, amount: string }>, equity: Array<{ __typename?: 'QuoteEquity', asset: string, equity: string, unrealizedPnl: string }>, accounts: Array<{ __typename?: 'AccountBalance', account: { __typename?: 'ExchangeAccount', id: string, label: string }, assets: Array<{ __typename?: 'AssetBalance', asset: string, free: string, locked: string, total: string }> }> } };

export type CreateExchangeAccountMutationVariables = Exact<{
  input: CreateExchangeAccountInput;
}>;


export type CreateExchangeAccountMutation = { __typename?: 'Mutation', createExchangeAccount: { __typename?: 'CreateExchangeAccountPayload', account: { __typename?: 'ExchangeAccount', id: string, exchange: string, label: string } } };

export type DepositMutationVariables = Exact<{
  input: DepositInput;
}>;


export type DepositMutation = { __typename?: 'Mutation', deposit: { __typename?: 'DepositPayload', entry: { __typename?: 'LedgerEntry', id: string, asset: string, amount: string, kind: LedgerKind } } };

export type CreateOrderMutationVariables = Exact<{
  input: CreateOrderInput;
}>;


export type CreateOrderMutation = { __typename?: 'Mutation', createOrder: { __typename?: 'CreateOrderPayload', order: { __typename?: 'Order', id: string, symbol: string, side: OrderSide, type: OrderType, quantity: string, price?: string | null, status: OrderStatus, filledAt?: string | null }, position?: { __typename?: 'Position', id: string, side: PositionSide, quantity: string, entryPrice: string } | null, balances: { __typename?: 'BalanceSummary', id: string, fromCache: boolean, computedAt: string, openPositions: number, realizedPnlByAsset: Array<{ __typename?: 'AssetAmount', asset: string, amount: string }>, equity: Array<{ __typename?: 'QuoteEquity', asset: string, equity: string, unrealizedPnl: string }>, accounts: Array<{ __typename?: 'AccountBalance', account: { __typename?: 'ExchangeAccount', id: string, label: string }, assets: Array<{ __typename?: 'AssetBalance', asset: string, free: string, locked: string, total: string }> }> } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BalanceSummaryFieldsFragmentDoc = new TypedDocumentString(`
    fragment BalanceSummaryFields on BalanceSummary {
  id
  fromCache
  computedAt
  openPositions
  realizedPnlByAsset {
    asset
    amount
  }
  equity {
    asset
    equity
    unrealizedPnl
  }
  accounts {
    account {
      id
      label
    }
    assets {
      asset
      free
      locked
      total
    }
  }
}
    `, {"fragmentName":"BalanceSummaryFields"}) as unknown as TypedDocumentString<BalanceSummaryFieldsFragment, unknown>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    id
    username
  }
}
    `, {"hash":"ea9f4836fee52a05f69209936be688c2106b95d5995fd8ba16ca21bbc01cc6ba"}) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const OpenPositionsDocument = new TypedDocumentString(`
    query OpenPositions($first: Int) {
  positions(first: $first, status: OPEN) {
    totalCount
    edges {
      node {
        id
        symbol
        side
        quantity
        entryPrice
        account {
          label
        }
      }
    }
  }
}
    `, {"hash":"5823822f8b7d3eb43b36684fbe8bf91aa49599bd8b16d72d0fc20b5e8576a3ad"}) as unknown as TypedDocumentString<OpenPositionsQuery, OpenPositionsQueryVariables>;
export const ExchangeAccountsDocument = new TypedDocumentString(`
    query ExchangeAccounts {
  exchangeAccounts {
    id
    exchange
    label
  }
}
    `, {"hash":"03a64c9001d9de9f55f5ccfa1c70d0b8b966edf91de14fd8db053362b1ea9733"}) as unknown as TypedDocumentString<ExchangeAccountsQuery, ExchangeAccountsQueryVariables>;
export const BalancesDocument = new TypedDocumentString(`
    query Balances {
  balances {
    ...BalanceSummaryFields
  }
}
    fragment BalanceSummaryFields on BalanceSummary {
  id
  fromCache
  computedAt
  openPositions
  realizedPnlByAsset {
    asset
    amount
  }
  equity {
    asset
    equity
    unrealizedPnl
  }
  accounts {
    account {
      id
      label
    }
    assets {
      asset
      free
      locked
      total
    }
  }
}`, {"hash":"1cb4df96c2d4a29d382949e8f135351fa2b77c38f2b12d97b02c4d4480433f9a"}) as unknown as TypedDocumentString<BalancesQuery, BalancesQueryVariables>;
export const BalancesChangedDocument = new TypedDocumentString(`
    subscription BalancesChanged {
  balancesChanged(initial: true) {
    ...BalanceSummaryFields
  }
}
    fragment BalanceSummaryFields on BalanceSummary {
  id
  fromCache
  computedAt
  openPositions
  realizedPnlByAsset {
    asset
    amount
  }
  equity {
    asset
    equity
    unrealizedPnl
  }
  accounts {
    account {
      id
      label
    }
    assets {
      asset
      free
      locked
      total
    }
  }
}`, {"hash":"8fb2f9121111f947cd019e4badd5f67b771132983c1677f58e05f0083e6967e6"}) as unknown as TypedDocumentString<BalancesChangedSubscription, BalancesChangedSubscriptionVariables>;
export const CreateExchangeAccountDocument = new TypedDocumentString(`
    mutation CreateExchangeAccount($input: CreateExchangeAccountInput!) {
  createExchangeAccount(input: $input) {
    account {
      id
      exchange
      label
    }
  }
}
    `, {"hash":"55b84127ba683c4aa7ad2e5ef4fb0287e78885256ee1d0a02a3407b9ee18b1b9"}) as unknown as TypedDocumentString<CreateExchangeAccountMutation, CreateExchangeAccountMutationVariables>;
export const DepositDocument = new TypedDocumentString(`
    mutation Deposit($input: DepositInput!) {
  deposit(input: $input) {
    entry {
      id
      asset
      amount
      kind
    }
  }
}
    `, {"hash":"aea5123f9095e30264a71bd702e183eb8108ad23fa1a9f66f386f26093478487"}) as unknown as TypedDocumentString<DepositMutation, DepositMutationVariables>;
export const CreateOrderDocument = new TypedDocumentString(`
    mutation CreateOrder($input: CreateOrderInput!) {
  createOrder(input: $input) {
    order {
      id
      symbol
      side
      type
      quantity
      price
      status
      filledAt
    }
    position {
      id
      side
      quantity
      entryPrice
    }
    balances {
      ...BalanceSummaryFields
    }
  }
}
    fragment BalanceSummaryFields on BalanceSummary {
  id
  fromCache
  computedAt
  openPositions
  realizedPnlByAsset {
    asset
    amount
  }
  equity {
    asset
    equity
    unrealizedPnl
  }
  accounts {
    account {
      id
      label
    }
    assets {
      asset
      free
      locked
      total
    }
  }
}`, {"hash":"fdea761d6f8832c9cbf53850d61c54fab8815186d00dfb8fbab028e0b162b8cd"}) as unknown as TypedDocumentString<CreateOrderMutation, CreateOrderMutationVariables>;