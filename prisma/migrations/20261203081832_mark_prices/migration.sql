-- CreateTable
CREATE TABLE "MarkPrice" (
    "userId" INTEGER NOT NULL,
    "symbol" TEXT NOT NULL,
    "price" DECIMAL(36,18) NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MarkPrice_pkey" PRIMARY KEY ("userId","symbol")
);

-- AddForeignKey
ALTER TABLE "MarkPrice" ADD CONSTRAINT "MarkPrice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
