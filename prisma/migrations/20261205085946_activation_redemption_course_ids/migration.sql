-- AlterTable
ALTER TABLE "activation_code_redemptions" ADD COLUMN     "course_ids" UUID[];
