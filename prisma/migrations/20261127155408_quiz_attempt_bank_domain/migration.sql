-- AlterTable
ALTER TABLE "quiz_attempts" ADD COLUMN     "bank_domain" TEXT;
