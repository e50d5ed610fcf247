-- AlterTable
ALTER TABLE "generated_audio" ADD COLUMN     "sections" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "usage_daily" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "course_id" UUID,
    "events" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,
    "quantity" BIGINT NOT NULL,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "rolled_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_user_days" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "day" DATE NOT NULL,
    "user_id" UUID NOT NULL,
    "course_id" UUID,
    "events" INTEGER NOT NULL,

    CONSTRAINT "usage_user_days_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_daily_day_kind_idx" ON "usage_daily"("day", "kind");

-- CreateIndex
CREATE INDEX "usage_daily_course_id_day_idx" ON "usage_daily"("course_id", "day");

-- CreateIndex
CREATE INDEX "usage_user_days_day_user_id_idx" ON "usage_user_days"("day", "user_id");

-- CreateIndex
CREATE INDEX "usage_user_days_course_id_day_idx" ON "usage_user_days"("course_id", "day");

-- CreateIndex
CREATE INDEX "usage_user_days_user_id_idx" ON "usage_user_days"("user_id");

-- sira:extras begin
ALTER TABLE "generated_audio" DROP CONSTRAINT "generated_audio_status_check";
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_status_check" CHECK ("status" IN ('pending', 'generating', 'ready', 'failed', 'retired'));
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_sections_check" CHECK (jsonb_typeof("sections") = 'array');
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_counts_check" CHECK ("events" >= 0 AND "users" >= 0 AND "quantity" >= 0 AND "input_tokens" >= 0 AND "output_tokens" >= 0 AND "cost_micros" >= 0);
ALTER TABLE "usage_user_days" ADD CONSTRAINT "usage_user_days_events_check" CHECK ("events" > 0);
CREATE UNIQUE INDEX "usage_daily_day_kind_course_key" ON "usage_daily" USING btree ("day", "kind", "course_id") NULLS NOT DISTINCT;
CREATE UNIQUE INDEX "usage_user_days_day_user_course_key" ON "usage_user_days" USING btree ("day", "user_id", "course_id") NULLS NOT DISTINCT;
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_kind_check";
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_kind_check" CHECK ("kind" IN (
  'login', 'enrollment', 'lesson_view', 'lesson_complete', 'unit_complete', 'quiz_answer', 'quiz_submit',
  'flashcard_review', 'tutor_message', 'audio_play', 'placement', 'preassessment', 'purchase'
));
-- sira:extras end
