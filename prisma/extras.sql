-- Sira: hand-written SQL that Prisma's schema language cannot express.
-- Appended once to the init migration (after the engine's CREATE TABLE / INDEX / FK statements).
-- Every object is named explicitly. See docs/decisions/0003-data-model.md.

-- ───────────────────────────────────────────────────────────────────────────
-- 1. Immutable search helpers (SQL-standard bodies: resolved at creation time,
--    so they do not depend on the caller's search_path, e.g. during pg_restore).
-- ───────────────────────────────────────────────────────────────────────────

-- unaccent() itself is only STABLE (it looks its dictionary up via search_path);
-- this wrapper pins the dictionary, so it may be used in indexes and generated columns.
CREATE FUNCTION "sira_unaccent"(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN unaccent('unaccent'::regdictionary, $1);

-- Accent- and case-folded text for trigram search ("sante" ~ "Santé").
CREATE FUNCTION "sira_search_normalize"(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(sira_unaccent($1));

-- Course search document: titles weighted A, descriptions B, 'simple' config (bilingual, no stemming).
-- Query with: sira_course_search_tsv(title_fr, title_en, description_fr, description_en)
--             @@ websearch_to_tsquery('simple', sira_unaccent($1))
CREATE FUNCTION "sira_course_search_tsv"(text, text, text, text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('simple'::regconfig, sira_unaccent(coalesce($1, '') || ' ' || coalesce($2, ''))), 'A')
      || setweight(to_tsvector('simple'::regconfig, sira_unaccent(coalesce($3, '') || ' ' || coalesce($4, ''))), 'B');

-- ───────────────────────────────────────────────────────────────────────────
-- 2. CHECK constraints: enumerated strings, ranges, row invariants
-- ───────────────────────────────────────────────────────────────────────────

-- users
ALTER TABLE "users" ADD CONSTRAINT "users_email_check" CHECK ("email" = lower("email") AND "email" LIKE '%_@_%');
ALTER TABLE "users" ADD CONSTRAINT "users_preferred_language_check" CHECK ("preferred_language" IN ('fr', 'en'));
ALTER TABLE "users" ADD CONSTRAINT "users_country_check" CHECK ("country" ~ '^[A-Z]{2}$');
ALTER TABLE "users" ADD CONSTRAINT "users_current_level_check" CHECK ("current_level" BETWEEN 1 AND 4);
ALTER TABLE "users" ADD CONSTRAINT "users_streak_days_check" CHECK ("streak_days" >= 0);
ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('learner', 'expert', 'admin'));
ALTER TABLE "users" ADD CONSTRAINT "users_status_check" CHECK ("status" IN ('pending_mfa', 'active', 'disabled'));

-- auth
ALTER TABLE "totp_credentials" ADD CONSTRAINT "totp_credentials_key_version_check" CHECK ("key_version" >= 1);
ALTER TABLE "totp_credentials" ADD CONSTRAINT "totp_credentials_secret_iv_check" CHECK (octet_length("secret_iv") = 12);
ALTER TABLE "totp_credentials" ADD CONSTRAINT "totp_credentials_secret_tag_check" CHECK (octet_length("secret_tag") = 16);
ALTER TABLE "totp_credentials" ADD CONSTRAINT "totp_credentials_last_used_step_check" CHECK ("last_used_step" >= 0);
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_revoked_reason_check" CHECK (
  "revoked_reason" IS NULL
  OR ("revoked_reason" IN ('logout', 'session_revoked', 'reuse_detected', 'recovery', 'admin', 'account_disabled', 'account_erased')
      AND "revoked_at" IS NOT NULL)
);
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_expires_at_check" CHECK ("expires_at" > "created_at");
ALTER TABLE "magic_link_tokens" ADD CONSTRAINT "magic_link_tokens_purpose_check" CHECK ("purpose" IN ('recovery'));
ALTER TABLE "magic_link_tokens" ADD CONSTRAINT "magic_link_tokens_expires_at_check" CHECK ("expires_at" > "created_at");
ALTER TABLE "auth_throttles" ADD CONSTRAINT "auth_throttles_failure_count_check" CHECK ("failure_count" >= 0);

-- catalog
ALTER TABLE "taxonomy_categories" ADD CONSTRAINT "taxonomy_categories_type_check" CHECK ("type" IN ('domain', 'level', 'audience'));
ALTER TABLE "taxonomy_categories" ADD CONSTRAINT "taxonomy_categories_slug_check" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "courses" ADD CONSTRAINT "courses_slug_check" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "courses" ADD CONSTRAINT "courses_status_check" CHECK ("status" IN ('draft', 'published', 'archived'));
ALTER TABLE "courses" ADD CONSTRAINT "courses_visibility_check" CHECK ("visibility" IN ('public', 'private'));
ALTER TABLE "courses" ADD CONSTRAINT "courses_creation_step_check" CHECK ("creation_step" IN ('upload', 'generating', 'published'));
ALTER TABLE "courses" ADD CONSTRAINT "courses_languages_check" CHECK ("languages" IN ('fr', 'en', 'fr,en', 'en,fr'));
ALTER TABLE "courses" ADD CONSTRAINT "courses_estimated_hours_check" CHECK ("estimated_hours" >= 0);
ALTER TABLE "courses" ADD CONSTRAINT "courses_module_count_check" CHECK ("module_count" >= 0);
ALTER TABLE "courses" ADD CONSTRAINT "courses_price_credits_check" CHECK ("price_credits" >= 0);
ALTER TABLE "user_course_enrollment" ADD CONSTRAINT "user_course_enrollment_status_check" CHECK ("status" IN ('active', 'completed', 'dropped'));
ALTER TABLE "user_course_enrollment" ADD CONSTRAINT "user_course_enrollment_completion_pct_check" CHECK ("completion_pct" BETWEEN 0 AND 100);
ALTER TABLE "curricula" ADD CONSTRAINT "curricula_slug_check" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "curricula" ADD CONSTRAINT "curricula_status_check" CHECK ("status" IN ('draft', 'published', 'archived'));
ALTER TABLE "curricula" ADD CONSTRAINT "curricula_visibility_check" CHECK ("visibility" IN ('public', 'private'));
ALTER TABLE "curriculum_courses" ADD CONSTRAINT "curriculum_courses_sort_order_check" CHECK ("sort_order" >= 0);
ALTER TABLE "modules" ADD CONSTRAINT "modules_module_number_check" CHECK ("module_number" >= 1);
ALTER TABLE "modules" ADD CONSTRAINT "modules_level_check" CHECK ("level" BETWEEN 1 AND 4);
ALTER TABLE "modules" ADD CONSTRAINT "modules_estimated_hours_check" CHECK ("estimated_hours" >= 0);
ALTER TABLE "modules" ADD CONSTRAINT "modules_bloom_level_check" CHECK ("bloom_level" IN ('remember', 'understand', 'apply', 'analyze', 'evaluate', 'create'));
ALTER TABLE "module_units" ADD CONSTRAINT "module_units_unit_number_check" CHECK ("unit_number" >= 1);
ALTER TABLE "module_units" ADD CONSTRAINT "module_units_unit_type_check" CHECK ("unit_type" IN ('lesson', 'quiz', 'case_study', 'flashcards'));
ALTER TABLE "module_units" ADD CONSTRAINT "module_units_estimated_minutes_check" CHECK ("estimated_minutes" >= 0);
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_index_status_check" CHECK ("index_status" IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_index_progress_pct_check" CHECK ("index_progress_pct" BETWEEN 0 AND 100);
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_sizes_check" CHECK (
  "char_count" >= 0 AND "byte_size" >= 0 AND "chunk_count" >= 0 AND ("page_count" IS NULL OR "page_count" >= 0)
);
ALTER TABLE "course_structure_proposals" ADD CONSTRAINT "course_structure_proposals_status_check" CHECK ("status" IN ('queued', 'running', 'ready', 'accepted', 'rejected', 'failed'));

-- RAG and generated content
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_chunk_index_check" CHECK ("chunk_index" >= 0);
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_token_count_check" CHECK ("token_count" > 0);
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_page_check" CHECK ("page" IS NULL OR "page" >= 1);
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_embedding_model_check" CHECK (("embedding" IS NULL) = ("embedding_model" IS NULL));
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_content_type_check" CHECK ("content_type" IN ('lesson', 'quiz', 'flashcard', 'case'));
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_level_check" CHECK ("level" BETWEEN 1 AND 4);
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_version_check" CHECK ("version" >= 1);
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_sources_cited_check" CHECK (jsonb_typeof("sources_cited") = 'array');
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_format_check" CHECK ("format" IN ('opus', 'mp3'));
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_status_check" CHECK ("status" IN ('pending', 'generating', 'ready', 'failed'));
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_ready_check" CHECK ("status" <> 'ready' OR "storage_key" IS NOT NULL);
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_sizes_check" CHECK (("duration_ms" IS NULL OR "duration_ms" >= 0) AND ("byte_size" IS NULL OR "byte_size" >= 0));
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_status_check" CHECK ("status" IN ('pending', 'generating', 'ready', 'failed'));
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_ready_check" CHECK ("status" <> 'ready' OR "storage_key" IS NOT NULL);
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_sizes_check" CHECK (
  ("width" IS NULL OR "width" > 0) AND ("height" IS NULL OR "height" > 0) AND ("byte_size" IS NULL OR "byte_size" >= 0)
);
ALTER TABLE "source_image" ADD CONSTRAINT "source_image_position_check" CHECK ("page" >= 1 AND "image_index" >= 0);
ALTER TABLE "source_image" ADD CONSTRAINT "source_image_sizes_check" CHECK ("width" > 0 AND "height" > 0 AND "byte_size" >= 0);
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_media_type_check" CHECK ("media_type" IN ('image', 'audio', 'video', 'document', 'link'));
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_status_check" CHECK ("status" IN ('processing', 'ready', 'failed'));
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_source_check" CHECK (num_nonnulls("storage_key", "external_url", "source_image_id", "generated_image_id") = 1);
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_sizes_check" CHECK (
  ("byte_size" IS NULL OR "byte_size" >= 0) AND ("duration_ms" IS NULL OR "duration_ms" >= 0)
  AND ("width" IS NULL OR "width" > 0) AND ("height" IS NULL OR "height" > 0)
);

-- learning engine
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_status_check" CHECK ("status" IN ('locked', 'available', 'in_progress', 'completed'));
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_completion_pct_check" CHECK ("completion_pct" BETWEEN 0 AND 100);
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_quiz_score_avg_check" CHECK ("quiz_score_avg" BETWEEN 0 AND 100);
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_time_spent_seconds_check" CHECK ("time_spent_seconds" >= 0);
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_status_check" CHECK ("status" IN ('in_progress', 'completed'));
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_time_spent_seconds_check" CHECK ("time_spent_seconds" >= 0);
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_score_check" CHECK ("score" BETWEEN 0 AND 100);
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_completed_check" CHECK ("status" <> 'completed' OR "completed_at" IS NOT NULL);
ALTER TABLE "lesson_reading" ADD CONSTRAINT "lesson_reading_read_pct_check" CHECK ("read_pct" BETWEEN 0 AND 100);
ALTER TABLE "lesson_reading" ADD CONSTRAINT "lesson_reading_time_spent_seconds_check" CHECK ("time_spent_seconds" >= 0);
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_difficulty_check" CHECK ("difficulty" BETWEEN 1 AND 5);
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_question_type_check" CHECK ("question_type" IN ('recall', 'application', 'analysis'));
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_options_check" CHECK (
  CASE WHEN jsonb_typeof("options") = 'array' THEN jsonb_array_length("options") = 4 ELSE false END
);
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_correct_option_check" CHECK ("correct_option" BETWEEN 0 AND 3);
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_counters_check" CHECK ("position" >= 0 AND "exposure_count" >= 0);
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_kind_check" CHECK ("kind" IN ('formative', 'summative', 'placement', 'preassessment'));
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_status_check" CHECK ("status" IN ('in_progress', 'submitted', 'abandoned'));
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_scope_check" CHECK (
  ("kind" IN ('formative', 'summative') AND "module_id" IS NOT NULL AND "preassessment_id" IS NULL)
  OR ("kind" = 'preassessment' AND "preassessment_id" IS NOT NULL AND "module_id" IS NULL)
  OR ("kind" = 'placement' AND "module_id" IS NULL AND "preassessment_id" IS NULL)
);
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_counts_check" CHECK (
  "max_items" > 0 AND "item_count" BETWEEN 0 AND "max_items" AND "correct_count" BETWEEN 0 AND "item_count"
);
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_score_check" CHECK ("score" BETWEEN 0 AND 100);
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_se_check" CHECK ("se" >= 0);
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_result_level_check" CHECK ("result_level" IS NULL OR ("result_level" BETWEEN 1 AND 4 AND "kind" = 'placement'));
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_submitted_check" CHECK ("status" <> 'submitted' OR "submitted_at" IS NOT NULL);
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_position_check" CHECK ("position" >= 1);
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_difficulty_check" CHECK ("difficulty" BETWEEN 1 AND 5);
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_selected_option_check" CHECK ("selected_option" BETWEEN 0 AND 3);
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_se_after_check" CHECK ("se_after" >= 0);
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_duration_ms_check" CHECK ("duration_ms" >= 0);
ALTER TABLE "flashcards" ADD CONSTRAINT "flashcards_position_check" CHECK ("position" >= 0);
ALTER TABLE "flashcards" ADD CONSTRAINT "flashcards_sources_cited_check" CHECK (jsonb_typeof("sources_cited") = 'array');
ALTER TABLE "flashcard_reviews" ADD CONSTRAINT "flashcard_reviews_state_check" CHECK ("state" IN ('new', 'learning', 'review', 'relearning'));
ALTER TABLE "flashcard_reviews" ADD CONSTRAINT "flashcard_reviews_difficulty_check" CHECK ("difficulty" BETWEEN 0 AND 10);
ALTER TABLE "flashcard_reviews" ADD CONSTRAINT "flashcard_reviews_counters_check" CHECK (
  "stability" >= 0 AND "elapsed_days" >= 0 AND "scheduled_days" >= 0 AND "learning_steps" >= 0 AND "reps" >= 0 AND "lapses" >= 0
);
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_rating_check" CHECK ("rating" BETWEEN 1 AND 4);
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_source_check" CHECK ("source" IN ('flashcard', 'quiz'));
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_quiz_response_check" CHECK ("quiz_response_id" IS NULL OR "source" = 'quiz');
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_state_before_check" CHECK ("state_before" IN ('new', 'learning', 'review', 'relearning'));
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_values_check" CHECK (
  ("duration_ms" IS NULL OR "duration_ms" >= 0) AND "stability_after" >= 0 AND "difficulty_after" BETWEEN 0 AND 10 AND "scheduled_days" >= 0
);
ALTER TABLE "course_preassessments" ADD CONSTRAINT "course_preassessments_max_items_check" CHECK ("max_items" BETWEEN 1 AND 50);
ALTER TABLE "course_preassessments" ADD CONSTRAINT "course_preassessments_known_threshold_pct_check" CHECK ("known_threshold_pct" BETWEEN 0 AND 100);
ALTER TABLE "course_preassessments" ADD CONSTRAINT "course_preassessments_generation_status_check" CHECK ("generation_status" IN ('not_generated', 'queued', 'generating', 'ready', 'failed'));
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_score_check" CHECK ("score" BETWEEN 0 AND 100);
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_se_check" CHECK ("se" >= 0);

-- tutor
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_language_check" CHECK ("language" IN ('fr', 'en'));
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_message_count_check" CHECK ("message_count" >= 0);
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_role_check" CHECK ("role" IN ('user', 'assistant'));
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_status_check" CHECK ("status" IN ('streaming', 'complete', 'failed'));
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_tokens_check" CHECK (("input_tokens" IS NULL OR "input_tokens" >= 0) AND ("output_tokens" IS NULL OR "output_tokens" >= 0));
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_sources_cited_check" CHECK (jsonb_typeof("sources_cited") = 'array');
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_json_check" CHECK (
  jsonb_typeof("key_facts") = 'array' AND jsonb_typeof("misconceptions") = 'array'
  AND jsonb_typeof("strengths") = 'array' AND jsonb_typeof("preferences") = 'object'
);

-- money
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_balance_check" CHECK ("balance" >= 0);
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_totals_check" CHECK ("total_purchased" >= 0 AND "total_spent" >= 0 AND "total_earned" >= 0);
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_type_check" CHECK ("type" IN (
  'credit_purchase', 'content_access', 'tutor_usage', 'course_purchase', 'course_earning', 'commission',
  'payout', 'subscription_purchase', 'code_redemption', 'refund', 'adjustment'
));
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_amount_check" CHECK ("amount" <> 0);
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_balance_after_check" CHECK ("balance_after" >= 0);
ALTER TABLE "credit_packages" ADD CONSTRAINT "credit_packages_slug_check" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "credit_packages" ADD CONSTRAINT "credit_packages_amounts_check" CHECK ("credits" > 0 AND "bonus_credits" >= 0 AND "price_amount" >= 0);
ALTER TABLE "credit_packages" ADD CONSTRAINT "credit_packages_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_check" CHECK ("plan" ~ '^[a-z0-9_]+$');
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_status_check" CHECK ("status" IN ('active', 'expired', 'cancelled'));
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_source_check" CHECK ("source" IN ('code', 'sms', 'credits'));
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_daily_message_limit_check" CHECK ("daily_message_limit" >= 0);
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_period_check" CHECK ("expires_at" > "starts_at");
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_purpose_check" CHECK ("purpose" IN ('subscription', 'credits'));
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_provider_check" CHECK ("provider" IN ('orange_money', 'mtn_momo', 'wave', 'moov_money'));
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_status_check" CHECK ("status" IN ('pending', 'confirmed', 'failed', 'refunded'));
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_amount_check" CHECK ("amount" > 0);
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_confirmed_check" CHECK ("status" <> 'confirmed' OR "confirmed_at" IS NOT NULL);
ALTER TABLE "sms_relay_messages" ADD CONSTRAINT "sms_relay_messages_status_check" CHECK ("status" IN ('received', 'parsed', 'matched', 'ignored', 'failed'));
ALTER TABLE "sms_relay_messages" ADD CONSTRAINT "sms_relay_messages_provider_check" CHECK ("provider" IN ('orange_money', 'mtn_momo', 'wave', 'moov_money'));
ALTER TABLE "sms_relay_messages" ADD CONSTRAINT "sms_relay_messages_parsed_amount_check" CHECK ("parsed_amount" > 0);
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_kind_check" CHECK ("kind" IN ('subscription', 'course', 'curriculum', 'credits'));
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_target_check" CHECK (
  ("kind" = 'subscription' AND "plan" IS NOT NULL AND "duration_days" IS NOT NULL)
  OR ("kind" = 'course' AND "course_id" IS NOT NULL)
  OR ("kind" = 'curriculum' AND "curriculum_id" IS NOT NULL)
  OR ("kind" = 'credits' AND "credits" IS NOT NULL)
);
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_values_check" CHECK (
  ("credits" IS NULL OR "credits" > 0) AND ("duration_days" IS NULL OR "duration_days" > 0)
  AND ("daily_message_limit" IS NULL OR "daily_message_limit" >= 0)
);
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_redemptions_check" CHECK ("max_redemptions" >= 1 AND "redeemed_count" BETWEEN 0 AND "max_redemptions");

-- groups and access
ALTER TABLE "curriculum_access" ADD CONSTRAINT "curriculum_access_grantee_check" CHECK (num_nonnulls("user_id", "group_id") = 1);

-- platform
ALTER TABLE "platform_settings" ADD CONSTRAINT "platform_settings_key_check" CHECK ("key" ~ '^[a-z][a-z0-9_.]*$');
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_kind_check" CHECK ("kind" IN (
  'login', 'enrollment', 'lesson_view', 'lesson_complete', 'unit_complete', 'quiz_answer', 'quiz_submit',
  'flashcard_review', 'tutor_message', 'audio_play', 'placement', 'preassessment'
));
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_scope_check" CHECK ("scope" ~ '^(user|ip):.+$');
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_key_check" CHECK (length("key") BETWEEN 1 AND 255);
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_method_check" CHECK ("method" IN ('POST', 'PUT', 'PATCH', 'DELETE'));
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_status_code_check" CHECK ("status_code" BETWEEN 100 AND 599);
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_expires_at_check" CHECK ("expires_at" > "created_at");
ALTER TABLE "sync_tombstones" ADD CONSTRAINT "sync_tombstones_entity_check" CHECK ("entity" IN (
  'user_course_enrollment', 'user_module_progress', 'user_unit_progress', 'lesson_reading', 'quiz_attempts',
  'flashcards', 'flashcard_reviews', 'tutor_conversations', 'tutor_messages',
  'courses', 'modules', 'module_units', 'curricula', 'taxonomy_categories', 'generated_content', 'module_media'
));

-- ───────────────────────────────────────────────────────────────────────────
-- 3. Unique indexes Prisma cannot declare (NULLS NOT DISTINCT / partial)
-- ───────────────────────────────────────────────────────────────────────────

-- The generated_content cache key; unit_id is null for module-level content.
CREATE UNIQUE INDEX "generated_content_cache_key" ON "generated_content"
  ("module_id", "unit_id", "content_type", "language", "level", "country_context") NULLS NOT DISTINCT;

-- At most one in-progress attempt per learner and scope ("start or resume" is race-free).
CREATE UNIQUE INDEX "quiz_attempts_one_in_progress_key" ON "quiz_attempts"
  ("user_id", "kind", "module_id", "preassessment_id") NULLS NOT DISTINCT WHERE "status" = 'in_progress';

-- ───────────────────────────────────────────────────────────────────────────
-- 4. document_chunks: generated full-text column, GIN and HNSW indexes
-- ───────────────────────────────────────────────────────────────────────────

ALTER TABLE "document_chunks" DROP COLUMN "content_tsv",
  ADD COLUMN "content_tsv" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, sira_unaccent(coalesce("content", '')))) STORED;

CREATE INDEX "document_chunks_content_tsv_idx" ON "document_chunks" USING gin ("content_tsv");

CREATE INDEX "document_chunks_embedding_hnsw_idx" ON "document_chunks" USING hnsw ("embedding" vector_cosine_ops);

-- ───────────────────────────────────────────────────────────────────────────
-- 5. Catalog search on courses (issue 5: accent/case-insensitive, FR + EN)
-- ───────────────────────────────────────────────────────────────────────────

-- Ranked full text over titles (A) and descriptions (B).
CREATE INDEX "courses_search_tsv_idx" ON "courses" USING gin (
  sira_course_search_tsv("title_fr", "title_en", "description_fr", "description_en")
);

-- Trigram fallback for prefixes and typos on titles:
--   sira_search_normalize(title_fr || ' ' || title_en) % sira_search_normalize($1)  (or <% / word_similarity)
CREATE INDEX "courses_title_trgm_idx" ON "courses" USING gin (
  sira_search_normalize("title_fr" || ' ' || "title_en") gin_trgm_ops
);
