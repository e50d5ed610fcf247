-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_verified_at" TIMESTAMPTZ(6);

-- CreateTable
CREATE TABLE "email_verifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "used_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_email_quotas" (
    "scope" TEXT NOT NULL,
    "sent_count" INTEGER NOT NULL,
    "window_starts_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "auth_email_quotas_pkey" PRIMARY KEY ("scope")
);

-- CreateIndex
CREATE INDEX "email_verifications_user_id_created_at_idx" ON "email_verifications"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "email_verifications_expires_at_idx" ON "email_verifications"("expires_at");

-- CreateIndex
CREATE INDEX "auth_email_quotas_window_starts_at_idx" ON "auth_email_quotas"("window_starts_at");

-- AddForeignKey
ALTER TABLE "email_verifications" ADD CONSTRAINT "email_verifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sira:extras begin
ALTER TABLE "email_verifications" ADD CONSTRAINT "email_verifications_attempts_check" CHECK ("attempts" >= 0);
ALTER TABLE "email_verifications" ADD CONSTRAINT "email_verifications_expires_at_check" CHECK ("expires_at" > "created_at");
ALTER TABLE "auth_email_quotas" ADD CONSTRAINT "auth_email_quotas_sent_count_check" CHECK ("sent_count" >= 1);
-- sira:extras end
