-- AlterTable
ALTER TABLE "User" ADD COLUMN     "balanceVersion" UUID NOT NULL DEFAULT gen_random_uuid();
