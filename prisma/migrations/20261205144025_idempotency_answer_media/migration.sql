-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "content_language" TEXT,
ADD COLUMN     "content_type" TEXT;
