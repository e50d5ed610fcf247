-- AlterTable
ALTER TABLE "payment_intents" ADD COLUMN     "bonus_credits" INTEGER,
ADD COLUMN     "credits" INTEGER,
ADD COLUMN     "daily_message_limit" INTEGER,
ADD COLUMN     "duration_days" INTEGER;

-- sira:extras begin
-- An intent keeps the terms it quoted (decision 0067): its payment delivers them, whatever the
-- offer became since. Intents opened before this migration take their offer's terms as they are.
UPDATE "payment_intents" SET "credits" = p."credits", "bonus_credits" = p."bonus_credits" FROM "credit_packages" p WHERE p."id" = "payment_intents"."credit_package_id";
UPDATE "payment_intents" SET "duration_days" = p."duration_days", "daily_message_limit" = p."daily_message_limit" FROM "subscription_plans" p WHERE p."id" = "payment_intents"."plan_id";
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_terms_check" CHECK (("purpose" = 'credits' AND "credits" IS NOT NULL AND "bonus_credits" IS NOT NULL AND "credits" >= 0 AND "bonus_credits" >= 0 AND "duration_days" IS NULL AND "daily_message_limit" IS NULL) OR ("purpose" = 'subscription' AND "duration_days" IS NOT NULL AND "daily_message_limit" IS NOT NULL AND "duration_days" >= 1 AND "daily_message_limit" >= 0 AND "credits" IS NULL AND "bonus_credits" IS NULL));
-- sira:extras end
