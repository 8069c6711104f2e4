import type { Prisma } from '../generated/prisma/client';

// What the scalars' resolvers may be handed (codegen `scalars`). Each object type's parent
// model is declared by the module that owns it (`src/modules/<name>/<name>.models.ts`).
export type DateTimeOutput = Date | string;
export type DecimalOutput = Prisma.Decimal | string | number;
