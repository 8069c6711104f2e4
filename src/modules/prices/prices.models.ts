import type { MarkPrice } from '../../generated/prisma/client';

// What the prices module's GraphQL types receive as parent (codegen mappers).
export type MarkPriceModel = MarkPrice;
/** The prices as recorded; `balances` is resolved by the balances module. */
export interface RecordMarkPricesPayloadModel {
  markPrices: MarkPrice[];
}
