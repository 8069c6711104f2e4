-- Hand-written (Prisma's schema cannot express a partial index with INCLUDE columns): the open
-- positions of an account with what a balance summary sums over them (exposures per symbol and
-- side), so the summary reads them from this small index alone instead of one heap page each.
CREATE INDEX "Position_open_exposures" ON "Position"("accountId", "symbol", "side") INCLUDE ("quantity", "entryPrice") WHERE "status" = 'OPEN';
