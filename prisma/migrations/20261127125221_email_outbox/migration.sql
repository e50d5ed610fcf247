-- CreateTable
CREATE TABLE "email_outbox" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "to_address" TEXT NOT NULL,
    "user_id" UUID,
    "template" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "transport" TEXT NOT NULL,
    "provider_message_id" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(6),

    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "email_outbox_status_created_at_idx" ON "email_outbox"("status", "created_at");

-- CreateIndex
CREATE INDEX "email_outbox_user_id_created_at_idx" ON "email_outbox"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- sira:extras begin
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_status_check" CHECK ("status" IN ('queued', 'sent', 'failed'));
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_transport_check" CHECK ("transport" IN ('smtp', 'outbox'));
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_attempts_check" CHECK ("attempts" >= 0);
-- A sent row says when; a failed row keeps why.
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_sent_at_check" CHECK ("status" <> 'sent' OR "sent_at" IS NOT NULL);
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_error_check" CHECK ("status" <> 'failed' OR "error" IS NOT NULL);
-- sira:extras end
