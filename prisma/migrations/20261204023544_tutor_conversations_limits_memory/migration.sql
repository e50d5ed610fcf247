-- AlterTable
ALTER TABLE "tutor_conversations" ADD COLUMN     "summarized_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "summary" TEXT,
ADD COLUMN     "unit_id" UUID;

-- AlterTable
ALTER TABLE "tutor_messages" ADD COLUMN     "client_key" TEXT,
ADD COLUMN     "reply_to_id" UUID;

-- AlterTable
ALTER TABLE "learner_memory" ADD COLUMN     "goals" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "level" INTEGER,
ALTER COLUMN "preferences" SET DEFAULT '[]';

-- CreateTable
CREATE TABLE "tutor_daily_usage" (
    "user_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "paid" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tutor_daily_usage_pkey" PRIMARY KEY ("user_id","day")
);

-- CreateIndex
CREATE INDEX "tutor_conversations_unit_id_idx" ON "tutor_conversations"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "tutor_messages_reply_to_id_key" ON "tutor_messages"("reply_to_id");

-- CreateIndex
CREATE UNIQUE INDEX "tutor_messages_conversation_id_client_key_key" ON "tutor_messages"("conversation_id", "client_key");

-- AddForeignKey
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_reply_to_id_fkey" FOREIGN KEY ("reply_to_id") REFERENCES "tutor_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_daily_usage" ADD CONSTRAINT "tutor_daily_usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sira:extras begin
ALTER TABLE "tutor_daily_usage" ADD CONSTRAINT "tutor_daily_usage_used_check" CHECK ("used" >= 0 AND "paid" >= 0);
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_level_check" CHECK ("level" IS NULL OR "level" BETWEEN 1 AND 4);
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_summarized_count_check" CHECK ("summarized_count" >= 0);
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_client_key_check" CHECK ("client_key" IS NULL OR length("client_key") BETWEEN 1 AND 200);
ALTER TABLE "tutor_messages" DROP CONSTRAINT "tutor_messages_status_check";
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_status_check" CHECK ("status" IN ('streaming', 'complete', 'incomplete', 'failed'));
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_goals_check" CHECK (jsonb_typeof("goals") = 'array');
ALTER TABLE "learner_memory" DROP CONSTRAINT "learner_memory_json_check";
UPDATE "learner_memory" SET "preferences" = '[]' WHERE "preferences" = '{}';
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_json_check" CHECK (
  jsonb_typeof("key_facts") = 'array' AND jsonb_typeof("misconceptions") = 'array'
  AND jsonb_typeof("strengths") = 'array' AND jsonb_typeof("preferences") = 'array'
);
-- sira:extras end
