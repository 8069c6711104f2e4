-- CreateTable
CREATE TABLE "RunningBalance" (
    "accountId" INTEGER NOT NULL,
    "asset" TEXT NOT NULL,
    "total" DECIMAL(78,36) NOT NULL,
    "locked" DECIMAL(78,36) NOT NULL,
    "realizedPnl" DECIMAL(78,36) NOT NULL,
    "entries" BIGINT NOT NULL,
    "version" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunningBalance_pkey" PRIMARY KEY ("accountId","asset")
);

-- AddForeignKey
ALTER TABLE "RunningBalance" ADD CONSTRAINT "RunningBalance_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExchangeAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand from here on: what Prisma cannot express.
--
-- RunningBalance is kept by statement-level triggers in the transaction that writes the ledger
-- entry or the order: one aggregated upsert per statement, rows taken in (account, asset) order,
-- so concurrent statements lock them in the same order. Additive updates stay exact under READ
-- COMMITTED: a waiting upsert re-reads the row it waited for.

-- A NEW LIMIT order holds quantity × price of its symbol's quote asset (BASE-QUOTE).
CREATE FUNCTION "order_lock"(status "OrderStatus", type "OrderType", quantity DECIMAL, price DECIMAL) RETURNS DECIMAL
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN status = 'NEW' AND type = 'LIMIT' THEN quantity * coalesce(price, 0) ELSE 0 END $$;

CREATE FUNCTION "running_balance_add_entries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RunningBalance" AS rb ("accountId", asset, total, locked, "realizedPnl", entries, version, "updatedAt")
  SELECT "accountId", asset, sum(amount), 0, coalesce(sum(amount) FILTER (WHERE kind = 'REALIZED_PNL'), 0), count(*), 1, now()
  FROM new_entries GROUP BY "accountId", asset ORDER BY "accountId", asset
  ON CONFLICT ("accountId", asset) DO UPDATE SET
    total = rb.total + excluded.total,
    "realizedPnl" = rb."realizedPnl" + excluded."realizedPnl",
    entries = rb.entries + excluded.entries,
    version = rb.version + 1,
    "updatedAt" = excluded."updatedAt";
  RETURN NULL;
END $$;

-- Deleted entries (only ever by an account's cascade) leave the totals.
CREATE FUNCTION "running_balance_remove_entries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "RunningBalance" rb SET
    total = rb.total - d.total, "realizedPnl" = rb."realizedPnl" - d.pnl, entries = rb.entries - d.entries,
    version = rb.version + 1, "updatedAt" = now()
  FROM (SELECT "accountId", asset, sum(amount) AS total, coalesce(sum(amount) FILTER (WHERE kind = 'REALIZED_PNL'), 0) AS pnl, count(*) AS entries
        FROM old_entries GROUP BY "accountId", asset) d
  WHERE rb."accountId" = d."accountId" AND rb.asset = d.asset;
  RETURN NULL;
END $$;

-- The ledger is a journal: an entry is corrected by another entry, never rewritten.
CREATE FUNCTION "ledger_entry_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'LedgerEntry rows are immutable: book a correcting entry instead' USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER "LedgerEntry_running_balance_insert" AFTER INSERT ON "LedgerEntry"
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION "running_balance_add_entries"();
CREATE TRIGGER "LedgerEntry_running_balance_delete" AFTER DELETE ON "LedgerEntry"
  REFERENCING OLD TABLE AS old_entries FOR EACH STATEMENT EXECUTE FUNCTION "running_balance_remove_entries"();
CREATE TRIGGER "LedgerEntry_immutable" BEFORE UPDATE ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_immutable"();

-- Locks: what a statement on "Order" changes in held funds, per (account, asset). Transition
-- tables exist per event, hence one function per event.
CREATE FUNCTION "running_balance_lock_inserted_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RunningBalance" AS rb ("accountId", asset, total, locked, "realizedPnl", entries, version, "updatedAt")
  SELECT "accountId", asset, 0, sum(lock), 0, 0, 1, now() FROM (
    SELECT "accountId", split_part(symbol, '-', 2) AS asset, "order_lock"(status, type, quantity, price) AS lock
    FROM new_orders WHERE status = 'NEW' AND type = 'LIMIT'
  ) changes
  GROUP BY "accountId", asset HAVING sum(lock) <> 0 ORDER BY "accountId", asset
  ON CONFLICT ("accountId", asset) DO UPDATE SET
    locked = rb.locked + excluded.locked, version = rb.version + 1, "updatedAt" = excluded."updatedAt";
  RETURN NULL;
END $$;

CREATE FUNCTION "running_balance_lock_updated_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RunningBalance" AS rb ("accountId", asset, total, locked, "realizedPnl", entries, version, "updatedAt")
  SELECT "accountId", asset, 0, sum(lock), 0, 0, 1, now() FROM (
    SELECT "accountId", split_part(symbol, '-', 2) AS asset, "order_lock"(status, type, quantity, price) AS lock
    FROM new_orders WHERE status = 'NEW' AND type = 'LIMIT'
    UNION ALL
    SELECT "accountId", split_part(symbol, '-', 2) AS asset, -"order_lock"(status, type, quantity, price) AS lock
    FROM old_orders WHERE status = 'NEW' AND type = 'LIMIT'
  ) changes
  GROUP BY "accountId", asset HAVING sum(lock) <> 0 ORDER BY "accountId", asset
  ON CONFLICT ("accountId", asset) DO UPDATE SET
    locked = rb.locked + excluded.locked, version = rb.version + 1, "updatedAt" = excluded."updatedAt";
  RETURN NULL;
END $$;

-- Deleted orders (only ever by a cascade) release what they held; no upsert: the account's
-- rows may be going in the same cascade.
CREATE FUNCTION "running_balance_unlock_deleted_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "RunningBalance" rb SET locked = rb.locked - d.lock, version = rb.version + 1, "updatedAt" = now()
  FROM (SELECT "accountId", split_part(symbol, '-', 2) AS asset, sum("order_lock"(status, type, quantity, price)) AS lock
        FROM old_orders WHERE status = 'NEW' AND type = 'LIMIT' GROUP BY 1, 2) d
  WHERE rb."accountId" = d."accountId" AND rb.asset = d.asset;
  RETURN NULL;
END $$;

CREATE TRIGGER "Order_running_balance_insert" AFTER INSERT ON "Order"
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION "running_balance_lock_inserted_orders"();
CREATE TRIGGER "Order_running_balance_update" AFTER UPDATE ON "Order"
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION "running_balance_lock_updated_orders"();
CREATE TRIGGER "Order_running_balance_delete" AFTER DELETE ON "Order"
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION "running_balance_unlock_deleted_orders"();

-- The balance version (what cached summaries are stamped with) is replaced inside the commit of
-- every transaction that changes a user's balances: deferred to the commit so the User row is
-- the last lock a transaction takes (no lock-order cycle with the rows above), and committed or
-- rolled back with the change itself.
CREATE FUNCTION "replace_balance_version_of_account"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "User" SET "balanceVersion" = gen_random_uuid()
  WHERE id = (SELECT "userId" FROM "ExchangeAccount" WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD."accountId" ELSE NEW."accountId" END);
  RETURN NULL;
END $$;

CREATE FUNCTION "replace_balance_version_of_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "User" SET "balanceVersion" = gen_random_uuid() WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD."userId" ELSE NEW."userId" END;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER "RunningBalance_balance_version" AFTER INSERT OR UPDATE OR DELETE ON "RunningBalance"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "replace_balance_version_of_account"();
-- The summary counts open positions (and will value them).
CREATE CONSTRAINT TRIGGER "Position_balance_version" AFTER INSERT OR DELETE OR UPDATE OF status, quantity, "entryPrice", "realizedPnl" ON "Position"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "replace_balance_version_of_account"();
-- The summary lists the user's accounts.
CREATE CONSTRAINT TRIGGER "ExchangeAccount_balance_version" AFTER INSERT OR DELETE ON "ExchangeAccount"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "replace_balance_version_of_user"();

-- Recomputes every running row from the ledger and the open orders: the backfill below, and the
-- benchmark's bulk load (which runs with triggers off). Not for a live database: it does not
-- block concurrent writers by itself (the migration's lock does).
CREATE FUNCTION "rebuild_running_balances"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "RunningBalance";
  INSERT INTO "RunningBalance" ("accountId", asset, total, locked, "realizedPnl", entries, version, "updatedAt")
  SELECT coalesce(l."accountId", k."accountId"), coalesce(l.asset, k.asset), coalesce(l.total, 0), coalesce(k.locked, 0),
         coalesce(l.pnl, 0), coalesce(l.entries, 0), 1, now()
  FROM (SELECT "accountId", asset, sum(amount) AS total, coalesce(sum(amount) FILTER (WHERE kind = 'REALIZED_PNL'), 0) AS pnl, count(*) AS entries
        FROM "LedgerEntry" GROUP BY "accountId", asset) l
  FULL JOIN (SELECT "accountId", split_part(symbol, '-', 2) AS asset, sum("order_lock"(status, type, quantity, price)) AS locked
             FROM "Order" WHERE status = 'NEW' AND type = 'LIMIT' GROUP BY 1, 2) k
    ON k."accountId" = l."accountId" AND k.asset = l.asset;
$$;

-- Backfill: writers wait for the migration's commit, so no entry is counted twice or missed.
LOCK TABLE "LedgerEntry", "Order" IN SHARE ROW EXCLUSIVE MODE;
SELECT "rebuild_running_balances"();
