-- AlterTable
ALTER TABLE "RunClaim" ADD COLUMN "payload" JSONB;
