-- AlterTable
ALTER TABLE "users" ADD COLUMN     "tutor_pays_beyond_limit" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "credit_accounts" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'user',
ALTER COLUMN "user_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "transactions" ADD COLUMN     "posting_id" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "reminder_sent_at" TIMESTAMPTZ(6);

-- AlterTable
ALTER TABLE "sms_relay_messages" ADD COLUMN     "device_message_id" TEXT,
ADD COLUMN     "parsed_transaction_id" TEXT;

-- AlterTable
ALTER TABLE "activation_codes" ADD COLUMN     "batch_id" UUID;

-- CreateTable
CREATE TABLE "subscription_plans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name_fr" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "duration_days" INTEGER NOT NULL,
    "daily_message_limit" INTEGER NOT NULL,
    "price_amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'XOF',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_intents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "credit_package_id" UUID,
    "plan_id" UUID,
    "reference" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'XOF',
    "phone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "payment_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_intents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "credits" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "operator_reference" TEXT,
    "paid_at" TIMESTAMPTZ(6),
    "paid_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "subscription_plans_slug_key" ON "subscription_plans"("slug");

-- CreateIndex
CREATE INDEX "subscription_plans_is_active_sort_order_idx" ON "subscription_plans"("is_active", "sort_order");

-- CreateIndex
CREATE UNIQUE INDEX "payment_intents_reference_key" ON "payment_intents"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "payment_intents_payment_id_key" ON "payment_intents"("payment_id");

-- CreateIndex
CREATE INDEX "payment_intents_user_id_created_at_idx" ON "payment_intents"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "payment_intents_status_expires_at_idx" ON "payment_intents"("status", "expires_at");

-- CreateIndex
CREATE INDEX "payment_intents_phone_amount_status_idx" ON "payment_intents"("phone", "amount", "status");

-- CreateIndex
CREATE INDEX "payment_intents_credit_package_id_idx" ON "payment_intents"("credit_package_id");

-- CreateIndex
CREATE INDEX "payment_intents_plan_id_idx" ON "payment_intents"("plan_id");

-- CreateIndex
CREATE INDEX "payout_requests_user_id_created_at_idx" ON "payout_requests"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "payout_requests_status_created_at_idx" ON "payout_requests"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "transactions_seq_key" ON "transactions"("seq");

-- CreateIndex
CREATE INDEX "transactions_posting_id_idx" ON "transactions"("posting_id");

-- CreateIndex
CREATE INDEX "sms_relay_messages_provider_parsed_transaction_id_idx" ON "sms_relay_messages"("provider", "parsed_transaction_id");

-- CreateIndex
CREATE UNIQUE INDEX "sms_relay_messages_device_id_device_message_id_key" ON "sms_relay_messages"("device_id", "device_message_id");

-- CreateIndex
CREATE INDEX "activation_codes_batch_id_idx" ON "activation_codes"("batch_id");

-- AddForeignKey
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_credit_package_id_fkey" FOREIGN KEY ("credit_package_id") REFERENCES "credit_packages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "subscription_plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "subscription_payments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_requests" ADD CONSTRAINT "payout_requests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- sira:extras begin
-- The ledger: user accounts never go below zero; the counter-accounts (platform, mobile money)
-- mirror them and may; each counter-account exists once.
ALTER TABLE "credit_accounts" DROP CONSTRAINT "credit_accounts_balance_check";
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_balance_check" CHECK ("kind" <> 'user' OR "balance" >= 0);
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_kind_check" CHECK ("kind" IN ('user', 'platform', 'mobile_money'));
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_owner_check" CHECK (("kind" = 'user') = ("user_id" IS NOT NULL));
CREATE UNIQUE INDEX "credit_accounts_counter_kind_key" ON "credit_accounts" USING btree ("kind") WHERE "user_id" IS NULL;
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_balance_after_check";
ALTER TABLE "sms_relay_messages" DROP CONSTRAINT "sms_relay_messages_status_check";
ALTER TABLE "sms_relay_messages" ADD CONSTRAINT "sms_relay_messages_status_check" CHECK ("status" IN ('received', 'parsed', 'matched', 'review', 'rejected', 'ignored', 'failed'));
ALTER TABLE "subscription_plans" ADD CONSTRAINT "subscription_plans_slug_check" CHECK ("slug" ~ '^[a-z0-9_]+$');
ALTER TABLE "subscription_plans" ADD CONSTRAINT "subscription_plans_values_check" CHECK ("duration_days" >= 1 AND "daily_message_limit" >= 0 AND "price_amount" >= 0);
ALTER TABLE "subscription_plans" ADD CONSTRAINT "subscription_plans_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_purpose_check" CHECK (("purpose" = 'credits' AND "credit_package_id" IS NOT NULL AND "plan_id" IS NULL) OR ("purpose" = 'subscription' AND "plan_id" IS NOT NULL AND "credit_package_id" IS NULL));
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_status_check" CHECK ("status" IN ('open', 'paid', 'expired', 'cancelled'));
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_amount_check" CHECK ("amount" > 0);
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_paid_check" CHECK ("status" <> 'paid' OR "payment_id" IS NOT NULL);
ALTER TABLE "payout_requests" ADD CONSTRAINT "payout_requests_status_check" CHECK ("status" IN ('requested', 'paid', 'rejected'));
ALTER TABLE "payout_requests" ADD CONSTRAINT "payout_requests_credits_check" CHECK ("credits" > 0);
ALTER TABLE "payout_requests" ADD CONSTRAINT "payout_requests_provider_check" CHECK ("provider" IN ('orange_money', 'mtn_momo', 'wave', 'moov_money'));
ALTER TABLE "payout_requests" ADD CONSTRAINT "payout_requests_paid_check" CHECK ("status" <> 'paid' OR ("paid_at" IS NOT NULL AND "operator_reference" IS NOT NULL));
-- sira:extras end
