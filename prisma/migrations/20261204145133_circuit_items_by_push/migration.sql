-- CreateIndex
CREATE INDEX "CircuitItem_circuitId_pushedAt_id_idx" ON "CircuitItem"("circuitId", "pushedAt", "id");
