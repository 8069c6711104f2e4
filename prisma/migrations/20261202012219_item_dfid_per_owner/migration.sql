-- DropIndex
DROP INDEX "Item_dfid_key";

-- CreateIndex
CREATE UNIQUE INDEX "Item_dfid_ownerId_key" ON "Item"("dfid", "ownerId");
