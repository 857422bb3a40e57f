-- CreateTable
CREATE TABLE "RunClaim" (
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "completed" BOOLEAN NOT NULL DEFAULT false,
    "result" JSONB,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RunClaim_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RunClaim_completed_expiresAt_idx" ON "RunClaim"("completed", "expiresAt");
