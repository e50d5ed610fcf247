-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pgcrypto";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector";

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "preferred_language" TEXT NOT NULL DEFAULT 'fr',
    "country" TEXT NOT NULL,
    "professional_role" TEXT NOT NULL,
    "current_level" INTEGER NOT NULL DEFAULT 1,
    "streak_days" INTEGER NOT NULL DEFAULT 0,
    "last_active" TIMESTAMPTZ(6),
    "role" TEXT NOT NULL DEFAULT 'learner',
    "status" TEXT NOT NULL DEFAULT 'pending_mfa',
    "timezone" TEXT,
    "deleted_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "totp_credentials" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "secret_ciphertext" BYTEA NOT NULL,
    "secret_iv" BYTEA NOT NULL,
    "secret_tag" BYTEA NOT NULL,
    "key_version" INTEGER NOT NULL,
    "confirmed_at" TIMESTAMPTZ(6),
    "last_used_step" BIGINT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "totp_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_codes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_agent" TEXT,
    "ip" INET,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "last_used_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),
    "revoked_reason" TEXT,
    "replaced_by_id" UUID,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "magic_link_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "purpose" TEXT NOT NULL DEFAULT 'recovery',
    "requested_ip" INET,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "used_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "magic_link_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_throttles" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "scope" TEXT NOT NULL,
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "window_starts_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_failure_at" TIMESTAMPTZ(6),
    "locked_until" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_throttles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "taxonomy_categories" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "label_fr" TEXT NOT NULL,
    "label_en" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "taxonomy_categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "courses" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title_fr" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_fr" TEXT,
    "description_en" TEXT,
    "languages" TEXT NOT NULL DEFAULT 'fr,en',
    "estimated_hours" INTEGER NOT NULL DEFAULT 20,
    "module_count" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "visibility" TEXT NOT NULL DEFAULT 'public',
    "cover_image_url" TEXT,
    "created_by" UUID,
    "rag_collection_id" TEXT,
    "price_credits" INTEGER NOT NULL DEFAULT 0,
    "is_marketplace" BOOLEAN NOT NULL DEFAULT false,
    "expert_id" UUID,
    "creation_step" TEXT NOT NULL DEFAULT 'upload',
    "published_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_taxonomy" (
    "course_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,

    CONSTRAINT "course_taxonomy_pkey" PRIMARY KEY ("course_id","category_id")
);

-- CreateTable
CREATE TABLE "user_course_enrollment" (
    "user_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "completion_pct" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "completed_at" TIMESTAMPTZ(6),
    "dropped_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_course_enrollment_pkey" PRIMARY KEY ("user_id","course_id")
);

-- CreateTable
CREATE TABLE "curricula" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title_fr" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_fr" TEXT,
    "description_en" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "visibility" TEXT NOT NULL DEFAULT 'public',
    "created_by" UUID,
    "published_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "curricula_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "curriculum_courses" (
    "curriculum_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "curriculum_courses_pkey" PRIMARY KEY ("curriculum_id","course_id")
);

-- CreateTable
CREATE TABLE "modules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_number" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "title_fr" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_fr" TEXT NOT NULL,
    "description_en" TEXT NOT NULL,
    "estimated_hours" INTEGER NOT NULL,
    "bloom_level" TEXT NOT NULL,
    "course_id" UUID,
    "prereq_modules" UUID[] DEFAULT ARRAY[]::UUID[],
    "books_sources" JSONB NOT NULL DEFAULT '{}',
    "objectives_fr" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "objectives_en" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "modules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "module_units" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_id" UUID NOT NULL,
    "unit_number" INTEGER NOT NULL,
    "unit_type" TEXT NOT NULL,
    "title_fr" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_fr" TEXT,
    "description_en" TEXT,
    "estimated_minutes" INTEGER NOT NULL DEFAULT 15,
    "objectives_fr" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "objectives_en" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "module_units_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_resources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "raw_text" TEXT,
    "toc_json" JSONB,
    "char_count" INTEGER NOT NULL DEFAULT 0,
    "content_hash" TEXT NOT NULL,
    "summary_text" TEXT,
    "mime_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "page_count" INTEGER,
    "index_status" TEXT NOT NULL DEFAULT 'queued',
    "index_progress_pct" INTEGER NOT NULL DEFAULT 0,
    "index_error" TEXT,
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "indexed_at" TIMESTAMPTZ(6),
    "uploaded_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_structure_proposals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "proposal" JSONB,
    "error" TEXT,
    "requested_by" UUID,
    "decided_by" UUID,
    "completed_at" TIMESTAMPTZ(6),
    "decided_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_structure_proposals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_chunks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "resource_id" UUID NOT NULL,
    "chunk_index" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "token_count" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "page" INTEGER,
    "chapter" TEXT,
    "embedding" vector(1536),
    "embedding_model" TEXT,
    "content_tsv" tsvector,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generated_content" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_id" UUID NOT NULL,
    "unit_id" UUID,
    "content_type" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "sources_cited" JSONB NOT NULL DEFAULT '[]',
    "country_context" TEXT NOT NULL,
    "generated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "validated" BOOLEAN NOT NULL DEFAULT false,
    "validated_by" UUID,
    "validated_at" TIMESTAMPTZ(6),
    "version" INTEGER NOT NULL DEFAULT 1,
    "model" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generated_content_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generated_audio" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "content_id" UUID NOT NULL,
    "content_version" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "voice" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'opus',
    "provider" TEXT NOT NULL,
    "storage_key" TEXT,
    "duration_ms" INTEGER,
    "byte_size" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generated_audio_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generated_image" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "module_id" UUID,
    "content_id" UUID,
    "prompt" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT,
    "storage_key" TEXT,
    "thumbnail_key" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "mime_type" TEXT,
    "byte_size" INTEGER,
    "alt_fr" TEXT,
    "alt_en" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generated_image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_image" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "resource_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "page" INTEGER NOT NULL,
    "image_index" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "thumbnail_key" TEXT,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "mime_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "caption" TEXT,
    "alt_text" TEXT,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "module_media" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_id" UUID NOT NULL,
    "unit_id" UUID,
    "media_type" TEXT NOT NULL,
    "title_fr" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_fr" TEXT,
    "description_en" TEXT,
    "language" TEXT,
    "storage_key" TEXT,
    "external_url" TEXT,
    "source_image_id" UUID,
    "generated_image_id" UUID,
    "mime_type" TEXT,
    "byte_size" INTEGER,
    "duration_ms" INTEGER,
    "width" INTEGER,
    "height" INTEGER,
    "thumbnail_key" TEXT,
    "summary_fr" TEXT,
    "summary_en" TEXT,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "module_media_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_module_progress" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "module_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'locked',
    "completion_pct" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "quiz_score_avg" DOUBLE PRECISION,
    "time_spent_seconds" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(6),
    "completed_at" TIMESTAMPTZ(6),
    "tested_out_at" TIMESTAMPTZ(6),
    "last_unit_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_module_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_unit_progress" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'in_progress',
    "time_spent_seconds" INTEGER NOT NULL DEFAULT 0,
    "score" DOUBLE PRECISION,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_unit_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson_reading" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "content_id" UUID,
    "read_pct" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "time_spent_seconds" INTEGER NOT NULL DEFAULT 0,
    "last_position" JSONB,
    "completed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lesson_reading_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_id" UUID NOT NULL,
    "unit_id" UUID,
    "preassessment_id" UUID,
    "content_id" UUID,
    "content_version" INTEGER,
    "position" INTEGER NOT NULL DEFAULT 0,
    "language" TEXT NOT NULL,
    "difficulty" INTEGER NOT NULL,
    "question_type" TEXT NOT NULL,
    "concept_key" TEXT,
    "stem" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "correct_option" INTEGER NOT NULL,
    "explanation" TEXT NOT NULL,
    "sources_cited" JSONB NOT NULL DEFAULT '[]',
    "exposure_count" INTEGER NOT NULL DEFAULT 0,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quiz_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "module_id" UUID,
    "preassessment_id" UUID,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'in_progress',
    "language" TEXT NOT NULL,
    "theta" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "se" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "item_count" INTEGER NOT NULL DEFAULT 0,
    "correct_count" INTEGER NOT NULL DEFAULT 0,
    "max_items" INTEGER NOT NULL,
    "current_item_id" UUID,
    "result_level" INTEGER,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quiz_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_attempt_responses" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "attempt_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "difficulty" INTEGER NOT NULL,
    "selected_option" INTEGER,
    "correct" BOOLEAN NOT NULL,
    "theta_after" DOUBLE PRECISION NOT NULL,
    "se_after" DOUBLE PRECISION NOT NULL,
    "answered_at" TIMESTAMPTZ(6) NOT NULL,
    "duration_ms" INTEGER,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quiz_attempt_responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flashcards" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "module_id" UUID NOT NULL,
    "unit_id" UUID,
    "content_id" UUID,
    "concept_key" TEXT NOT NULL,
    "term_fr" TEXT NOT NULL,
    "term_en" TEXT,
    "definition_fr" TEXT NOT NULL,
    "definition_en" TEXT NOT NULL,
    "example_fr" TEXT,
    "example_en" TEXT,
    "formula" TEXT,
    "sources_cited" JSONB NOT NULL DEFAULT '[]',
    "position" INTEGER NOT NULL DEFAULT 0,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flashcards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flashcard_reviews" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "card_id" UUID NOT NULL,
    "due" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stability" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "difficulty" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "elapsed_days" INTEGER NOT NULL DEFAULT 0,
    "scheduled_days" INTEGER NOT NULL DEFAULT 0,
    "learning_steps" INTEGER NOT NULL DEFAULT 0,
    "reps" INTEGER NOT NULL DEFAULT 0,
    "lapses" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'new',
    "last_review" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flashcard_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flashcard_review_logs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "card_id" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "reviewed_at" TIMESTAMPTZ(6) NOT NULL,
    "duration_ms" INTEGER,
    "source" TEXT NOT NULL DEFAULT 'flashcard',
    "quiz_response_id" UUID,
    "idempotency_key" TEXT,
    "state_before" TEXT NOT NULL,
    "due_after" TIMESTAMPTZ(6) NOT NULL,
    "stability_after" DOUBLE PRECISION NOT NULL,
    "difficulty_after" DOUBLE PRECISION NOT NULL,
    "scheduled_days" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flashcard_review_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_preassessments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "is_enabled" BOOLEAN NOT NULL DEFAULT false,
    "max_items" INTEGER NOT NULL DEFAULT 15,
    "known_threshold_pct" INTEGER NOT NULL DEFAULT 80,
    "generation_status" TEXT NOT NULL DEFAULT 'not_generated',
    "generation_error" TEXT,
    "generated_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_preassessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_preassessment_results" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "preassessment_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "theta" DOUBLE PRECISION NOT NULL,
    "se" DOUBLE PRECISION NOT NULL,
    "module_scores" JSONB NOT NULL DEFAULT '{}',
    "known_module_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "suggested_module_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_preassessment_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tutor_conversations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "module_id" UUID,
    "title" TEXT,
    "language" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL DEFAULT 0,
    "last_message_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tutor_conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tutor_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "conversation_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "sources_cited" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'complete',
    "model" TEXT,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tutor_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learner_memory" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "key_facts" JSONB NOT NULL DEFAULT '[]',
    "misconceptions" JSONB NOT NULL DEFAULT '[]',
    "strengths" JSONB NOT NULL DEFAULT '[]',
    "preferences" JSONB NOT NULL DEFAULT '{}',
    "summary" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learner_memory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "total_purchased" INTEGER NOT NULL DEFAULT 0,
    "total_spent" INTEGER NOT NULL DEFAULT 0,
    "total_earned" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transactions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "balance_after" INTEGER NOT NULL,
    "course_id" UUID,
    "credit_package_id" UUID,
    "subscription_id" UUID,
    "subscription_payment_id" UUID,
    "activation_code_id" UUID,
    "related_transaction_id" UUID,
    "idempotency_key" TEXT,
    "description" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_packages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name_fr" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "description_fr" TEXT,
    "description_en" TEXT,
    "credits" INTEGER NOT NULL,
    "bonus_credits" INTEGER NOT NULL DEFAULT 0,
    "price_amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'XOF',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_packages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "plan" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "source" TEXT NOT NULL,
    "daily_message_limit" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(6),
    "activation_code_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription_payments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID,
    "subscription_id" UUID,
    "purpose" TEXT NOT NULL DEFAULT 'subscription',
    "plan" TEXT,
    "credit_package_id" UUID,
    "provider" TEXT NOT NULL,
    "phone" TEXT,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'XOF',
    "operator_reference" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "sms_relay_message_id" UUID,
    "confirmed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sms_relay_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "device_id" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(6) NOT NULL,
    "hmac_verified" BOOLEAN NOT NULL DEFAULT false,
    "dedupe_hash" TEXT NOT NULL,
    "provider" TEXT,
    "parsed_amount" INTEGER,
    "parsed_currency" TEXT,
    "parsed_reference" TEXT,
    "parsed_phone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'received',
    "error" TEXT,
    "processed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_relay_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activation_codes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code_hash" TEXT NOT NULL,
    "code_hint" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "course_id" UUID,
    "curriculum_id" UUID,
    "credits" INTEGER,
    "plan" TEXT,
    "duration_days" INTEGER,
    "daily_message_limit" INTEGER,
    "max_redemptions" INTEGER NOT NULL DEFAULT 1,
    "redeemed_count" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),
    "batch_label" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activation_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activation_code_redemptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activation_code_redemptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_groups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_group_members" (
    "group_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_group_members_pkey" PRIMARY KEY ("group_id","user_id")
);

-- CreateTable
CREATE TABLE "curriculum_access" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "curriculum_id" UUID NOT NULL,
    "user_id" UUID,
    "group_id" UUID,
    "granted_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "curriculum_access_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "ip" INET,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID,
    "kind" TEXT NOT NULL,
    "course_id" UUID,
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "scope" TEXT NOT NULL,
    "user_id" UUID,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(6),
    "expires_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_tombstones" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID,
    "entity" TEXT NOT NULL,
    "entity_id" UUID NOT NULL,
    "deleted_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_tombstones_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_role_idx" ON "users"("role");

-- CreateIndex
CREATE INDEX "users_updated_at_idx" ON "users"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "totp_credentials_user_id_key" ON "totp_credentials"("user_id");

-- CreateIndex
CREATE INDEX "totp_credentials_key_version_idx" ON "totp_credentials"("key_version");

-- CreateIndex
CREATE INDEX "backup_codes_user_id_used_at_idx" ON "backup_codes"("user_id", "used_at");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_replaced_by_id_key" ON "refresh_tokens"("replaced_by_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_user_id_revoked_at_expires_at_idx" ON "refresh_tokens"("user_id", "revoked_at", "expires_at");

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_expires_at_idx" ON "refresh_tokens"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "magic_link_tokens_token_hash_key" ON "magic_link_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "magic_link_tokens_user_id_created_at_idx" ON "magic_link_tokens"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "magic_link_tokens_expires_at_idx" ON "magic_link_tokens"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "auth_throttles_scope_key" ON "auth_throttles"("scope");

-- CreateIndex
CREATE INDEX "auth_throttles_updated_at_idx" ON "auth_throttles"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "taxonomy_categories_slug_key" ON "taxonomy_categories"("slug");

-- CreateIndex
CREATE INDEX "taxonomy_categories_type_is_active_sort_order_idx" ON "taxonomy_categories"("type", "is_active", "sort_order");

-- CreateIndex
CREATE INDEX "taxonomy_categories_updated_at_idx" ON "taxonomy_categories"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "courses_slug_key" ON "courses"("slug");

-- CreateIndex
CREATE INDEX "courses_status_visibility_idx" ON "courses"("status", "visibility");

-- CreateIndex
CREATE INDEX "courses_created_by_idx" ON "courses"("created_by");

-- CreateIndex
CREATE INDEX "courses_expert_id_idx" ON "courses"("expert_id");

-- CreateIndex
CREATE INDEX "courses_updated_at_idx" ON "courses"("updated_at");

-- CreateIndex
CREATE INDEX "course_taxonomy_category_id_idx" ON "course_taxonomy"("category_id");

-- CreateIndex
CREATE INDEX "user_course_enrollment_user_id_updated_at_idx" ON "user_course_enrollment"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "user_course_enrollment_course_id_status_idx" ON "user_course_enrollment"("course_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "curricula_slug_key" ON "curricula"("slug");

-- CreateIndex
CREATE INDEX "curricula_status_visibility_idx" ON "curricula"("status", "visibility");

-- CreateIndex
CREATE INDEX "curricula_updated_at_idx" ON "curricula"("updated_at");

-- CreateIndex
CREATE INDEX "curricula_created_by_idx" ON "curricula"("created_by");

-- CreateIndex
CREATE INDEX "curriculum_courses_curriculum_id_sort_order_idx" ON "curriculum_courses"("curriculum_id", "sort_order");

-- CreateIndex
CREATE INDEX "curriculum_courses_course_id_idx" ON "curriculum_courses"("course_id");

-- CreateIndex
CREATE INDEX "modules_course_id_updated_at_idx" ON "modules"("course_id", "updated_at");

-- CreateIndex
CREATE INDEX "modules_updated_at_idx" ON "modules"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "modules_course_id_module_number_key" ON "modules"("course_id", "module_number");

-- CreateIndex
CREATE INDEX "module_units_module_id_updated_at_idx" ON "module_units"("module_id", "updated_at");

-- CreateIndex
CREATE INDEX "module_units_updated_at_idx" ON "module_units"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "module_units_module_id_unit_number_key" ON "module_units"("module_id", "unit_number");

-- CreateIndex
CREATE INDEX "course_resources_course_id_created_at_idx" ON "course_resources"("course_id", "created_at");

-- CreateIndex
CREATE INDEX "course_resources_index_status_idx" ON "course_resources"("index_status");

-- CreateIndex
CREATE INDEX "course_resources_uploaded_by_idx" ON "course_resources"("uploaded_by");

-- CreateIndex
CREATE UNIQUE INDEX "course_resources_course_id_content_hash_key" ON "course_resources"("course_id", "content_hash");

-- CreateIndex
CREATE INDEX "course_structure_proposals_course_id_created_at_idx" ON "course_structure_proposals"("course_id", "created_at");

-- CreateIndex
CREATE INDEX "course_structure_proposals_requested_by_idx" ON "course_structure_proposals"("requested_by");

-- CreateIndex
CREATE INDEX "course_structure_proposals_decided_by_idx" ON "course_structure_proposals"("decided_by");

-- CreateIndex
CREATE INDEX "document_chunks_course_id_embedding_model_idx" ON "document_chunks"("course_id", "embedding_model");

-- CreateIndex
CREATE UNIQUE INDEX "document_chunks_resource_id_chunk_index_key" ON "document_chunks"("resource_id", "chunk_index");

-- CreateIndex
CREATE INDEX "generated_content_unit_id_idx" ON "generated_content"("unit_id");

-- CreateIndex
CREATE INDEX "generated_content_module_id_updated_at_idx" ON "generated_content"("module_id", "updated_at");

-- CreateIndex
CREATE INDEX "generated_content_updated_at_idx" ON "generated_content"("updated_at");

-- CreateIndex
CREATE INDEX "generated_content_validated_by_idx" ON "generated_content"("validated_by");

-- CreateIndex
CREATE INDEX "generated_audio_status_updated_at_idx" ON "generated_audio"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "generated_audio_content_id_voice_format_key" ON "generated_audio"("content_id", "voice", "format");

-- CreateIndex
CREATE INDEX "generated_image_course_id_created_at_idx" ON "generated_image"("course_id", "created_at");

-- CreateIndex
CREATE INDEX "generated_image_module_id_idx" ON "generated_image"("module_id");

-- CreateIndex
CREATE INDEX "generated_image_content_id_idx" ON "generated_image"("content_id");

-- CreateIndex
CREATE INDEX "generated_image_created_by_idx" ON "generated_image"("created_by");

-- CreateIndex
CREATE INDEX "source_image_course_id_idx" ON "source_image"("course_id");

-- CreateIndex
CREATE INDEX "source_image_content_hash_idx" ON "source_image"("content_hash");

-- CreateIndex
CREATE UNIQUE INDEX "source_image_resource_id_page_image_index_key" ON "source_image"("resource_id", "page", "image_index");

-- CreateIndex
CREATE INDEX "module_media_module_id_sort_order_idx" ON "module_media"("module_id", "sort_order");

-- CreateIndex
CREATE INDEX "module_media_module_id_updated_at_idx" ON "module_media"("module_id", "updated_at");

-- CreateIndex
CREATE INDEX "module_media_unit_id_idx" ON "module_media"("unit_id");

-- CreateIndex
CREATE INDEX "module_media_source_image_id_idx" ON "module_media"("source_image_id");

-- CreateIndex
CREATE INDEX "module_media_generated_image_id_idx" ON "module_media"("generated_image_id");

-- CreateIndex
CREATE INDEX "module_media_created_by_idx" ON "module_media"("created_by");

-- CreateIndex
CREATE INDEX "user_module_progress_user_id_updated_at_idx" ON "user_module_progress"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "user_module_progress_module_id_status_idx" ON "user_module_progress"("module_id", "status");

-- CreateIndex
CREATE INDEX "user_module_progress_last_unit_id_idx" ON "user_module_progress"("last_unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_module_progress_user_id_module_id_key" ON "user_module_progress"("user_id", "module_id");

-- CreateIndex
CREATE INDEX "user_unit_progress_user_id_updated_at_idx" ON "user_unit_progress"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "user_unit_progress_unit_id_idx" ON "user_unit_progress"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_unit_progress_user_id_unit_id_key" ON "user_unit_progress"("user_id", "unit_id");

-- CreateIndex
CREATE INDEX "lesson_reading_user_id_updated_at_idx" ON "lesson_reading"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "lesson_reading_unit_id_idx" ON "lesson_reading"("unit_id");

-- CreateIndex
CREATE INDEX "lesson_reading_content_id_idx" ON "lesson_reading"("content_id");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_reading_user_id_unit_id_key" ON "lesson_reading"("user_id", "unit_id");

-- CreateIndex
CREATE INDEX "quiz_items_module_id_language_is_active_difficulty_idx" ON "quiz_items"("module_id", "language", "is_active", "difficulty");

-- CreateIndex
CREATE INDEX "quiz_items_preassessment_id_language_is_active_difficulty_idx" ON "quiz_items"("preassessment_id", "language", "is_active", "difficulty");

-- CreateIndex
CREATE INDEX "quiz_items_module_id_concept_key_idx" ON "quiz_items"("module_id", "concept_key");

-- CreateIndex
CREATE INDEX "quiz_items_unit_id_idx" ON "quiz_items"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_items_content_id_content_version_position_key" ON "quiz_items"("content_id", "content_version", "position");

-- CreateIndex
CREATE INDEX "quiz_attempts_user_id_module_id_status_idx" ON "quiz_attempts"("user_id", "module_id", "status");

-- CreateIndex
CREATE INDEX "quiz_attempts_user_id_kind_started_at_idx" ON "quiz_attempts"("user_id", "kind", "started_at");

-- CreateIndex
CREATE INDEX "quiz_attempts_user_id_updated_at_idx" ON "quiz_attempts"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "quiz_attempts_module_id_idx" ON "quiz_attempts"("module_id");

-- CreateIndex
CREATE INDEX "quiz_attempts_preassessment_id_idx" ON "quiz_attempts"("preassessment_id");

-- CreateIndex
CREATE INDEX "quiz_attempts_current_item_id_idx" ON "quiz_attempts"("current_item_id");

-- CreateIndex
CREATE INDEX "quiz_attempt_responses_item_id_idx" ON "quiz_attempt_responses"("item_id");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_attempt_responses_attempt_id_item_id_key" ON "quiz_attempt_responses"("attempt_id", "item_id");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_attempt_responses_attempt_id_position_key" ON "quiz_attempt_responses"("attempt_id", "position");

-- CreateIndex
CREATE INDEX "flashcards_module_id_is_active_position_idx" ON "flashcards"("module_id", "is_active", "position");

-- CreateIndex
CREATE INDEX "flashcards_module_id_updated_at_idx" ON "flashcards"("module_id", "updated_at");

-- CreateIndex
CREATE INDEX "flashcards_unit_id_idx" ON "flashcards"("unit_id");

-- CreateIndex
CREATE INDEX "flashcards_content_id_idx" ON "flashcards"("content_id");

-- CreateIndex
CREATE UNIQUE INDEX "flashcards_module_id_concept_key_key" ON "flashcards"("module_id", "concept_key");

-- CreateIndex
CREATE INDEX "flashcard_reviews_user_id_due_idx" ON "flashcard_reviews"("user_id", "due");

-- CreateIndex
CREATE INDEX "flashcard_reviews_user_id_updated_at_idx" ON "flashcard_reviews"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "flashcard_reviews_card_id_idx" ON "flashcard_reviews"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "flashcard_reviews_user_id_card_id_key" ON "flashcard_reviews"("user_id", "card_id");

-- CreateIndex
CREATE UNIQUE INDEX "flashcard_review_logs_quiz_response_id_key" ON "flashcard_review_logs"("quiz_response_id");

-- CreateIndex
CREATE INDEX "flashcard_review_logs_user_id_card_id_reviewed_at_idx" ON "flashcard_review_logs"("user_id", "card_id", "reviewed_at");

-- CreateIndex
CREATE INDEX "flashcard_review_logs_user_id_reviewed_at_idx" ON "flashcard_review_logs"("user_id", "reviewed_at");

-- CreateIndex
CREATE INDEX "flashcard_review_logs_card_id_idx" ON "flashcard_review_logs"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "flashcard_review_logs_user_id_idempotency_key_key" ON "flashcard_review_logs"("user_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "course_preassessments_course_id_key" ON "course_preassessments"("course_id");

-- CreateIndex
CREATE INDEX "course_preassessments_updated_at_idx" ON "course_preassessments"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "course_preassessment_results_attempt_id_key" ON "course_preassessment_results"("attempt_id");

-- CreateIndex
CREATE INDEX "course_preassessment_results_user_id_preassessment_id_creat_idx" ON "course_preassessment_results"("user_id", "preassessment_id", "created_at");

-- CreateIndex
CREATE INDEX "course_preassessment_results_preassessment_id_idx" ON "course_preassessment_results"("preassessment_id");

-- CreateIndex
CREATE INDEX "course_preassessment_results_suggested_module_id_idx" ON "course_preassessment_results"("suggested_module_id");

-- CreateIndex
CREATE INDEX "tutor_conversations_user_id_updated_at_idx" ON "tutor_conversations"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "tutor_conversations_course_id_idx" ON "tutor_conversations"("course_id");

-- CreateIndex
CREATE INDEX "tutor_conversations_module_id_idx" ON "tutor_conversations"("module_id");

-- CreateIndex
CREATE INDEX "tutor_messages_conversation_id_created_at_idx" ON "tutor_messages"("conversation_id", "created_at");

-- CreateIndex
CREATE INDEX "tutor_messages_conversation_id_updated_at_idx" ON "tutor_messages"("conversation_id", "updated_at");

-- CreateIndex
CREATE INDEX "learner_memory_course_id_idx" ON "learner_memory"("course_id");

-- CreateIndex
CREATE UNIQUE INDEX "learner_memory_user_id_course_id_key" ON "learner_memory"("user_id", "course_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_accounts_user_id_key" ON "credit_accounts"("user_id");

-- CreateIndex
CREATE INDEX "credit_accounts_updated_at_idx" ON "credit_accounts"("updated_at");

-- CreateIndex
CREATE INDEX "transactions_account_id_created_at_idx" ON "transactions"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "transactions_account_id_course_id_type_idx" ON "transactions"("account_id", "course_id", "type");

-- CreateIndex
CREATE INDEX "transactions_course_id_type_created_at_idx" ON "transactions"("course_id", "type", "created_at");

-- CreateIndex
CREATE INDEX "transactions_type_created_at_idx" ON "transactions"("type", "created_at");

-- CreateIndex
CREATE INDEX "transactions_credit_package_id_idx" ON "transactions"("credit_package_id");

-- CreateIndex
CREATE INDEX "transactions_subscription_id_idx" ON "transactions"("subscription_id");

-- CreateIndex
CREATE INDEX "transactions_subscription_payment_id_idx" ON "transactions"("subscription_payment_id");

-- CreateIndex
CREATE INDEX "transactions_activation_code_id_idx" ON "transactions"("activation_code_id");

-- CreateIndex
CREATE INDEX "transactions_related_transaction_id_idx" ON "transactions"("related_transaction_id");

-- CreateIndex
CREATE UNIQUE INDEX "transactions_account_id_idempotency_key_key" ON "transactions"("account_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "credit_packages_slug_key" ON "credit_packages"("slug");

-- CreateIndex
CREATE INDEX "credit_packages_is_active_sort_order_idx" ON "credit_packages"("is_active", "sort_order");

-- CreateIndex
CREATE INDEX "subscriptions_user_id_status_expires_at_idx" ON "subscriptions"("user_id", "status", "expires_at");

-- CreateIndex
CREATE INDEX "subscriptions_user_id_updated_at_idx" ON "subscriptions"("user_id", "updated_at");

-- CreateIndex
CREATE INDEX "subscriptions_status_expires_at_idx" ON "subscriptions"("status", "expires_at");

-- CreateIndex
CREATE INDEX "subscriptions_activation_code_id_idx" ON "subscriptions"("activation_code_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_payments_sms_relay_message_id_key" ON "subscription_payments"("sms_relay_message_id");

-- CreateIndex
CREATE INDEX "subscription_payments_user_id_created_at_idx" ON "subscription_payments"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "subscription_payments_subscription_id_idx" ON "subscription_payments"("subscription_id");

-- CreateIndex
CREATE INDEX "subscription_payments_credit_package_id_idx" ON "subscription_payments"("credit_package_id");

-- CreateIndex
CREATE INDEX "subscription_payments_status_created_at_idx" ON "subscription_payments"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_payments_provider_operator_reference_key" ON "subscription_payments"("provider", "operator_reference");

-- CreateIndex
CREATE UNIQUE INDEX "sms_relay_messages_dedupe_hash_key" ON "sms_relay_messages"("dedupe_hash");

-- CreateIndex
CREATE INDEX "sms_relay_messages_status_created_at_idx" ON "sms_relay_messages"("status", "created_at");

-- CreateIndex
CREATE INDEX "sms_relay_messages_provider_parsed_reference_idx" ON "sms_relay_messages"("provider", "parsed_reference");

-- CreateIndex
CREATE INDEX "sms_relay_messages_device_id_received_at_idx" ON "sms_relay_messages"("device_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "activation_codes_code_hash_key" ON "activation_codes"("code_hash");

-- CreateIndex
CREATE INDEX "activation_codes_course_id_idx" ON "activation_codes"("course_id");

-- CreateIndex
CREATE INDEX "activation_codes_curriculum_id_idx" ON "activation_codes"("curriculum_id");

-- CreateIndex
CREATE INDEX "activation_codes_created_by_created_at_idx" ON "activation_codes"("created_by", "created_at");

-- CreateIndex
CREATE INDEX "activation_codes_batch_label_idx" ON "activation_codes"("batch_label");

-- CreateIndex
CREATE INDEX "activation_code_redemptions_user_id_created_at_idx" ON "activation_code_redemptions"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "activation_code_redemptions_code_id_user_id_key" ON "activation_code_redemptions"("code_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_groups_name_key" ON "user_groups"("name");

-- CreateIndex
CREATE INDEX "user_groups_updated_at_idx" ON "user_groups"("updated_at");

-- CreateIndex
CREATE INDEX "user_groups_created_by_idx" ON "user_groups"("created_by");

-- CreateIndex
CREATE INDEX "user_group_members_user_id_idx" ON "user_group_members"("user_id");

-- CreateIndex
CREATE INDEX "curriculum_access_user_id_idx" ON "curriculum_access"("user_id");

-- CreateIndex
CREATE INDEX "curriculum_access_group_id_idx" ON "curriculum_access"("group_id");

-- CreateIndex
CREATE INDEX "curriculum_access_granted_by_idx" ON "curriculum_access"("granted_by");

-- CreateIndex
CREATE UNIQUE INDEX "curriculum_access_curriculum_id_user_id_key" ON "curriculum_access"("curriculum_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "curriculum_access_curriculum_id_group_id_key" ON "curriculum_access"("curriculum_id", "group_id");

-- CreateIndex
CREATE INDEX "platform_settings_updated_by_idx" ON "platform_settings"("updated_by");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_created_at_idx" ON "audit_log"("actor_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at");

-- CreateIndex
CREATE INDEX "usage_events_user_id_kind_occurred_at_idx" ON "usage_events"("user_id", "kind", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_course_id_kind_occurred_at_idx" ON "usage_events"("course_id", "kind", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_occurred_at_idx" ON "usage_events"("occurred_at");

-- CreateIndex
CREATE INDEX "idempotency_keys_user_id_idx" ON "idempotency_keys"("user_id");

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_keys_scope_key_key" ON "idempotency_keys"("scope", "key");

-- CreateIndex
CREATE INDEX "sync_tombstones_user_id_entity_deleted_at_idx" ON "sync_tombstones"("user_id", "entity", "deleted_at");

-- CreateIndex
CREATE INDEX "sync_tombstones_deleted_at_idx" ON "sync_tombstones"("deleted_at");

-- AddForeignKey
ALTER TABLE "totp_credentials" ADD CONSTRAINT "totp_credentials_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_codes" ADD CONSTRAINT "backup_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_replaced_by_id_fkey" FOREIGN KEY ("replaced_by_id") REFERENCES "refresh_tokens"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "magic_link_tokens" ADD CONSTRAINT "magic_link_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "courses" ADD CONSTRAINT "courses_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "courses" ADD CONSTRAINT "courses_expert_id_fkey" FOREIGN KEY ("expert_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_taxonomy" ADD CONSTRAINT "course_taxonomy_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_taxonomy" ADD CONSTRAINT "course_taxonomy_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "taxonomy_categories"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_course_enrollment" ADD CONSTRAINT "user_course_enrollment_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_course_enrollment" ADD CONSTRAINT "user_course_enrollment_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curricula" ADD CONSTRAINT "curricula_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_courses" ADD CONSTRAINT "curriculum_courses_curriculum_id_fkey" FOREIGN KEY ("curriculum_id") REFERENCES "curricula"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_courses" ADD CONSTRAINT "curriculum_courses_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "modules" ADD CONSTRAINT "modules_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_units" ADD CONSTRAINT "module_units_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_uploaded_by_fkey" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_structure_proposals" ADD CONSTRAINT "course_structure_proposals_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_structure_proposals" ADD CONSTRAINT "course_structure_proposals_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_structure_proposals" ADD CONSTRAINT "course_structure_proposals_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "course_resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_content" ADD CONSTRAINT "generated_content_validated_by_fkey" FOREIGN KEY ("validated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_audio" ADD CONSTRAINT "generated_audio_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_image" ADD CONSTRAINT "generated_image_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_image" ADD CONSTRAINT "source_image_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "course_resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_image" ADD CONSTRAINT "source_image_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_source_image_id_fkey" FOREIGN KEY ("source_image_id") REFERENCES "source_image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_generated_image_id_fkey" FOREIGN KEY ("generated_image_id") REFERENCES "generated_image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "module_media" ADD CONSTRAINT "module_media_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_module_progress" ADD CONSTRAINT "user_module_progress_last_unit_id_fkey" FOREIGN KEY ("last_unit_id") REFERENCES "module_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_unit_progress" ADD CONSTRAINT "user_unit_progress_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_reading" ADD CONSTRAINT "lesson_reading_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_reading" ADD CONSTRAINT "lesson_reading_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_reading" ADD CONSTRAINT "lesson_reading_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_preassessment_id_fkey" FOREIGN KEY ("preassessment_id") REFERENCES "course_preassessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_items" ADD CONSTRAINT "quiz_items_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_preassessment_id_fkey" FOREIGN KEY ("preassessment_id") REFERENCES "course_preassessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_current_item_id_fkey" FOREIGN KEY ("current_item_id") REFERENCES "quiz_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "quiz_attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempt_responses" ADD CONSTRAINT "quiz_attempt_responses_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "quiz_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcards" ADD CONSTRAINT "flashcards_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcards" ADD CONSTRAINT "flashcards_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "module_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcards" ADD CONSTRAINT "flashcards_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "generated_content"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcard_reviews" ADD CONSTRAINT "flashcard_reviews_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcard_reviews" ADD CONSTRAINT "flashcard_reviews_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "flashcards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "flashcards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flashcard_review_logs" ADD CONSTRAINT "flashcard_review_logs_quiz_response_id_fkey" FOREIGN KEY ("quiz_response_id") REFERENCES "quiz_attempt_responses"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_preassessments" ADD CONSTRAINT "course_preassessments_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_preassessment_id_fkey" FOREIGN KEY ("preassessment_id") REFERENCES "course_preassessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "quiz_attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_preassessment_results" ADD CONSTRAINT "course_preassessment_results_suggested_module_id_fkey" FOREIGN KEY ("suggested_module_id") REFERENCES "modules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_conversations" ADD CONSTRAINT "tutor_conversations_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tutor_messages" ADD CONSTRAINT "tutor_messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "tutor_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learner_memory" ADD CONSTRAINT "learner_memory_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_credit_package_id_fkey" FOREIGN KEY ("credit_package_id") REFERENCES "credit_packages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_subscription_payment_id_fkey" FOREIGN KEY ("subscription_payment_id") REFERENCES "subscription_payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_activation_code_id_fkey" FOREIGN KEY ("activation_code_id") REFERENCES "activation_codes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_related_transaction_id_fkey" FOREIGN KEY ("related_transaction_id") REFERENCES "transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_activation_code_id_fkey" FOREIGN KEY ("activation_code_id") REFERENCES "activation_codes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_credit_package_id_fkey" FOREIGN KEY ("credit_package_id") REFERENCES "credit_packages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_sms_relay_message_id_fkey" FOREIGN KEY ("sms_relay_message_id") REFERENCES "sms_relay_messages"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_curriculum_id_fkey" FOREIGN KEY ("curriculum_id") REFERENCES "curricula"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activation_code_redemptions" ADD CONSTRAINT "activation_code_redemptions_code_id_fkey" FOREIGN KEY ("code_id") REFERENCES "activation_codes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activation_code_redemptions" ADD CONSTRAINT "activation_code_redemptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_group_members" ADD CONSTRAINT "user_group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "user_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_group_members" ADD CONSTRAINT "user_group_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_access" ADD CONSTRAINT "curriculum_access_curriculum_id_fkey" FOREIGN KEY ("curriculum_id") REFERENCES "curricula"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_access" ADD CONSTRAINT "curriculum_access_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_access" ADD CONSTRAINT "curriculum_access_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "user_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curriculum_access" ADD CONSTRAINT "curriculum_access_granted_by_fkey" FOREIGN KEY ("granted_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_settings" ADD CONSTRAINT "platform_settings_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_tombstones" ADD CONSTRAINT "sync_tombstones_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sira:extras begin
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
CREATE UNIQUE INDEX "generated_content_cache_key" ON "generated_content" USING btree
  ("module_id", "unit_id", "content_type", "language", "level", "country_context") NULLS NOT DISTINCT;

-- At most one in-progress attempt per learner and scope ("start or resume" is race-free).
CREATE UNIQUE INDEX "quiz_attempts_one_in_progress_key" ON "quiz_attempts" USING btree
  ("user_id", "kind", "module_id", "preassessment_id") NULLS NOT DISTINCT WHERE "status" = 'in_progress';

-- ───────────────────────────────────────────────────────────────────────────
-- 4. document_chunks: generated full-text column, GIN and HNSW indexes
-- ───────────────────────────────────────────────────────────────────────────

ALTER TABLE "document_chunks" DROP COLUMN "content_tsv", ADD COLUMN "content_tsv" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, sira_unaccent(coalesce("content", '')))) STORED;

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

-- sira:extras end
