import { Prisma } from '../generated/prisma/client';

/**
 * Decimal.js computes with 20 significant digits unless told otherwise, and Prisma's Decimal is
 * Decimal.js: an amount like 12345.678901234567890123 (DECIMAL(36, 18), 23 digits) would lose
 * its last digits in every sum, and a product of two such numbers far more. Money columns hold
 * 36 digits; a product of two has at most 72. Set once, for the process, before any arithmetic.
 */
export const MONEY_PRECISION = 80;
Prisma.Decimal.set({ precision: MONEY_PRECISION });
