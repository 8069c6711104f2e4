-- CreateIndex
CREATE INDEX "LedgerEntry_accountId_createdAt_id_idx" ON "LedgerEntry"("accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Order_accountId_createdAt_id_idx" ON "Order"("accountId", "createdAt", "id");
