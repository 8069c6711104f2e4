-- CreateEnum
CREATE TYPE "CircuitRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER');

-- CreateEnum
CREATE TYPE "SessionStatus" AS ENUM ('RUNNING', 'STOPPED');

-- CreateEnum
CREATE TYPE "SessionEndReason" AS ENUM ('NORMAL', 'EMERGENCY', 'DAY_CHANGE', 'RECOVERED', 'MANUAL', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "TradeAction" AS ENUM ('OPEN', 'CLOSE');

-- CreateEnum
CREATE TYPE "PositionSide" AS ENUM ('LONG', 'SHORT');

-- CreateEnum
CREATE TYPE "PositionStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "OrderSide" AS ENUM ('BUY', 'SELL');

-- CreateEnum
CREATE TYPE "OrderType" AS ENUM ('MARKET', 'LIMIT', 'STOP_LOSS', 'TAKE_PROFIT');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('NEW', 'FILLED', 'CANCELED');

-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'REALIZED_PNL', 'COMMISSION', 'FILL');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Item" (
    "id" SERIAL NOT NULL,
    "dfid" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "aliases" TEXT[],
    "fingerprint" TEXT,
    "confidenceScore" DOUBLE PRECISION,
    "legacyMode" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemIdentifier" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "ItemIdentifier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemSource" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "entryRef" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemEvent" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT,
    "data" JSONB,

    CONSTRAINT "ItemEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Circuit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ownerId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Circuit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CircuitMember" (
    "id" SERIAL NOT NULL,
    "circuitId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "role" "CircuitRole" NOT NULL DEFAULT 'MEMBER',
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CircuitMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CircuitItem" (
    "id" SERIAL NOT NULL,
    "circuitId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "pushedById" INTEGER NOT NULL,
    "pushedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CircuitItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TradingSession" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "sessionKey" TEXT NOT NULL,
    "status" "SessionStatus" NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endReason" "SessionEndReason",
    "initialBalance" DECIMAL(36,18) NOT NULL,
    "currentBalance" DECIMAL(36,18),
    "finalBalance" DECIMAL(36,18),
    "lastHeartbeatAt" TIMESTAMP(3),
    "symbols" TEXT[],
    "recovered" BOOLEAN NOT NULL DEFAULT false,
    "totalTrades" INTEGER NOT NULL DEFAULT 0,
    "totalPnl" DECIMAL(36,18) NOT NULL DEFAULT 0,

    CONSTRAINT "TradingSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trade" (
    "id" SERIAL NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "tradeId" TEXT NOT NULL,
    "executedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "symbol" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "intensity" DOUBLE PRECISION,
    "action" "TradeAction" NOT NULL,
    "volume" DECIMAL(36,18) NOT NULL,
    "entryPrice" DECIMAL(36,18),
    "exitPrice" DECIMAL(36,18),
    "pnl" DECIMAL(36,18),
    "pnlPips" DECIMAL(36,18),
    "commission" DECIMAL(36,18),
    "hmmState" INTEGER,
    "isPaper" BOOLEAN NOT NULL DEFAULT false,
    "comment" TEXT,
    "positionId" INTEGER,

    CONSTRAINT "Trade_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SessionEvent" (
    "id" SERIAL NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB,

    CONSTRAINT "SessionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExchangeAccount" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "exchange" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExchangeAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Position" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "symbol" TEXT NOT NULL,
    "side" "PositionSide" NOT NULL,
    "quantity" DECIMAL(36,18) NOT NULL,
    "entryPrice" DECIMAL(36,18) NOT NULL,
    "status" "PositionStatus" NOT NULL DEFAULT 'OPEN',
    "stopLoss" DECIMAL(36,18),
    "takeProfit" DECIMAL(36,18),
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "exitPrice" DECIMAL(36,18),
    "realizedPnl" DECIMAL(36,18),

    CONSTRAINT "Position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "positionId" INTEGER,
    "clientOrderId" TEXT,
    "symbol" TEXT NOT NULL,
    "side" "OrderSide" NOT NULL,
    "type" "OrderType" NOT NULL,
    "quantity" DECIMAL(36,18) NOT NULL,
    "price" DECIMAL(36,18),
    "status" "OrderStatus" NOT NULL DEFAULT 'NEW',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "filledAt" TIMESTAMP(3),
    "canceledAt" TIMESTAMP(3),

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "asset" TEXT NOT NULL,
    "amount" DECIMAL(36,18) NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "orderId" INTEGER,
    "positionId" INTEGER,
    "reference" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_createdAt_idx" ON "ApiKey"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Item_dfid_key" ON "Item"("dfid");

-- CreateIndex
CREATE INDEX "Item_ownerId_id_idx" ON "Item"("ownerId", "id");

-- CreateIndex
CREATE INDEX "ItemIdentifier_key_value_idx" ON "ItemIdentifier"("key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "ItemIdentifier_itemId_key_value_key" ON "ItemIdentifier"("itemId", "key", "value");

-- CreateIndex
CREATE INDEX "ItemSource_itemId_receivedAt_idx" ON "ItemSource"("itemId", "receivedAt");

-- CreateIndex
CREATE INDEX "ItemSource_userId_itemId_idx" ON "ItemSource"("userId", "itemId");

-- CreateIndex
CREATE INDEX "ItemEvent_itemId_occurredAt_id_idx" ON "ItemEvent"("itemId", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "ItemEvent_type_idx" ON "ItemEvent"("type");

-- CreateIndex
CREATE INDEX "Circuit_ownerId_idx" ON "Circuit"("ownerId");

-- CreateIndex
CREATE INDEX "CircuitMember_userId_circuitId_idx" ON "CircuitMember"("userId", "circuitId");

-- CreateIndex
CREATE UNIQUE INDEX "CircuitMember_circuitId_userId_key" ON "CircuitMember"("circuitId", "userId");

-- CreateIndex
CREATE INDEX "CircuitItem_itemId_circuitId_idx" ON "CircuitItem"("itemId", "circuitId");

-- CreateIndex
CREATE UNIQUE INDEX "CircuitItem_circuitId_itemId_key" ON "CircuitItem"("circuitId", "itemId");

-- CreateIndex
CREATE INDEX "TradingSession_userId_sessionKey_idx" ON "TradingSession"("userId", "sessionKey");

-- CreateIndex
CREATE INDEX "TradingSession_userId_startedAt_id_idx" ON "TradingSession"("userId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "TradingSession_userId_status_idx" ON "TradingSession"("userId", "status");

-- CreateIndex
CREATE INDEX "Trade_sessionId_executedAt_id_idx" ON "Trade"("sessionId", "executedAt", "id");

-- CreateIndex
CREATE INDEX "Trade_userId_executedAt_id_idx" ON "Trade"("userId", "executedAt", "id");

-- CreateIndex
CREATE INDEX "Trade_userId_symbol_executedAt_idx" ON "Trade"("userId", "symbol", "executedAt");

-- CreateIndex
CREATE INDEX "Trade_userId_isPaper_executedAt_idx" ON "Trade"("userId", "isPaper", "executedAt");

-- CreateIndex
CREATE INDEX "Trade_positionId_idx" ON "Trade"("positionId");

-- CreateIndex
CREATE UNIQUE INDEX "Trade_sessionId_tradeId_key" ON "Trade"("sessionId", "tradeId");

-- CreateIndex
CREATE INDEX "SessionEvent_sessionId_occurredAt_id_idx" ON "SessionEvent"("sessionId", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "SessionEvent_type_idx" ON "SessionEvent"("type");

-- CreateIndex
CREATE INDEX "ExchangeAccount_userId_idx" ON "ExchangeAccount"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ExchangeAccount_userId_exchange_label_key" ON "ExchangeAccount"("userId", "exchange", "label");

-- CreateIndex
CREATE INDEX "Position_accountId_status_id_idx" ON "Position"("accountId", "status", "id");

-- CreateIndex
CREATE INDEX "Position_accountId_symbol_status_idx" ON "Position"("accountId", "symbol", "status");

-- CreateIndex
CREATE INDEX "Order_positionId_createdAt_id_idx" ON "Order"("positionId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Order_accountId_status_idx" ON "Order"("accountId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Order_accountId_clientOrderId_key" ON "Order"("accountId", "clientOrderId");

-- CreateIndex
CREATE INDEX "LedgerEntry_accountId_asset_idx" ON "LedgerEntry"("accountId", "asset");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_accountId_reference_key" ON "LedgerEntry"("accountId", "reference");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemIdentifier" ADD CONSTRAINT "ItemIdentifier_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemSource" ADD CONSTRAINT "ItemSource_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemSource" ADD CONSTRAINT "ItemSource_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemEvent" ADD CONSTRAINT "ItemEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Circuit" ADD CONSTRAINT "Circuit_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CircuitMember" ADD CONSTRAINT "CircuitMember_circuitId_fkey" FOREIGN KEY ("circuitId") REFERENCES "Circuit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CircuitMember" ADD CONSTRAINT "CircuitMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CircuitItem" ADD CONSTRAINT "CircuitItem_circuitId_fkey" FOREIGN KEY ("circuitId") REFERENCES "Circuit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CircuitItem" ADD CONSTRAINT "CircuitItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CircuitItem" ADD CONSTRAINT "CircuitItem_pushedById_fkey" FOREIGN KEY ("pushedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TradingSession" ADD CONSTRAINT "TradingSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trade" ADD CONSTRAINT "Trade_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "TradingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trade" ADD CONSTRAINT "Trade_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trade" ADD CONSTRAINT "Trade_positionId_fkey" FOREIGN KEY ("positionId") REFERENCES "Position"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionEvent" ADD CONSTRAINT "SessionEvent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "TradingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExchangeAccount" ADD CONSTRAINT "ExchangeAccount_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExchangeAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExchangeAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_positionId_fkey" FOREIGN KEY ("positionId") REFERENCES "Position"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExchangeAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma's schema cannot express it without the partialIndexes preview, whose
-- generated client would then treat (userId, sessionKey) as unique across all sessions):
-- at most one RUNNING session per (user, sessionKey); STOPPED sessions may share a key.
CREATE UNIQUE INDEX "TradingSession_one_running_per_key" ON "TradingSession"("userId", "sessionKey") WHERE "status" = 'RUNNING';
