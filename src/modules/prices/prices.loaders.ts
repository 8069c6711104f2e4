import type { MarkPrice } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';
import type { LoaderScope } from '../module';

/** The viewer's latest mark price per symbol: prices are read per request, never cached across them. */
export const priceLoaders = {
  markPriceBySymbol: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (symbols: readonly string[]) => prisma.markPrice.findMany({ where: { userId: viewerId(), symbol: { in: [...symbols] } } }),
      (price: MarkPrice) => price.symbol,
    ),
};
