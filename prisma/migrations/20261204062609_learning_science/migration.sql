-- AlterTable
ALTER TABLE "quiz_items" ADD COLUMN     "calibrated_at" TIMESTAMPTZ(6),
ADD COLUMN     "calibrated_b" DOUBLE PRECISION,
ADD COLUMN     "calibration_n" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "flag_reason" TEXT,
ADD COLUMN     "flagged_at" TIMESTAMPTZ(6),
ADD COLUMN     "outfit" DOUBLE PRECISION,
ADD COLUMN     "point_biserial" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "quiz_attempts" ADD COLUMN     "raw_score" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "case_study_submissions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "content_id" UUID,
    "content_version" INTEGER,
    "language" TEXT NOT NULL,
    "answers" JSONB NOT NULL,
    "submitted_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_study_submissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fsrs_parameter_sets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "scope" TEXT NOT NULL,
    "user_id" UUID,
    "course_id" UUID,
    "weights" JSONB NOT NULL,
    "review_count" INTEGER NOT NULL,
    "log_loss" DOUBLE PRECISION NOT NULL,
    "default_log_loss" DOUBLE PRECISION NOT NULL,
    "fitted_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "fsrs_parameter_sets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_study_submissions_unit_id_idx" ON "case_study_submissions"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "case_study_submissions_user_id_unit_id_key" ON "case_study_submissions"("user_id", "unit_id");

-- CreateIndex
CREATE INDEX "fsrs_parameter_sets_user_id_idx" ON "fsrs_parameter_sets"("user_id");

-- CreateIndex
CREATE INDEX "fsrs_parameter_sets_course_id_idx" ON "fsrs_parameter_sets"("course_id");

-- AddForeignKey
ALTER TABLE "case_study_submissions" ADD CONSTRAINT "case_study_submissions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_study_submissions" ADD CONSTRAINT "case_study_submissions_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_study_submissions" ADD CONSTRAINT "case_study_submissions_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fsrs_parameter_sets" ADD CONSTRAINT "fsrs_parameter_sets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fsrs_parameter_sets" ADD CONSTRAINT "fsrs_parameter_sets_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sira:extras begin
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_calibration_check" CHECK ("calibration_n" >= 0 AND ("calibrated_b" IS NULL) = ("calibrated_at" IS NULL));
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_flag_check" CHECK (("flagged_at" IS NULL) = ("flag_reason" IS NULL));
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_raw_score_check" CHECK ("raw_score" IS NULL OR "raw_score" BETWEEN 0 AND 100);
ALTER TABLE "case_study_submissions" ADD CONSTRAINT "case_study_submissions_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "case_study_submissions" ADD CONSTRAINT "case_study_submissions_answers_check" CHECK (jsonb_typeof("answers") = 'array');
ALTER TABLE "fsrs_parameter_sets" ADD CONSTRAINT "fsrs_parameter_sets_scope_check" CHECK (("scope" = 'user' AND "user_id" IS NOT NULL) OR ("scope" = 'course' AND "course_id" IS NOT NULL AND "user_id" IS NULL));
ALTER TABLE "fsrs_parameter_sets" ADD CONSTRAINT "fsrs_parameter_sets_weights_check" CHECK (jsonb_typeof("weights") = 'array' AND "review_count" >= 0);
CREATE UNIQUE INDEX "fsrs_parameter_sets_scope_owner_key" ON "fsrs_parameter_sets" USING btree ("scope", "user_id", "course_id") NULLS NOT DISTINCT;
-- sira:extras end
