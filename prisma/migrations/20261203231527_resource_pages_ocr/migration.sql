-- AlterTable
ALTER TABLE "course_resources" ADD COLUMN     "extractor_version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "document_chunks" ADD COLUMN     "low_confidence" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "resource_pages" (
    "resource_id" UUID NOT NULL,
    "page" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "language" TEXT,
    "ocr_confidence" REAL,
    "low_confidence" BOOLEAN NOT NULL DEFAULT false,
    "char_count" INTEGER NOT NULL,

    CONSTRAINT "resource_pages_pkey" PRIMARY KEY ("resource_id","page")
);

-- AddForeignKey
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "course_resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sira:extras begin
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_source_check" CHECK ("source" IN ('text', 'ocr'));
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_page_check" CHECK ("page" >= 1);
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_ocr_confidence_check" CHECK ("ocr_confidence" IS NULL OR ("ocr_confidence" >= 0 AND "ocr_confidence" <= 1));
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_char_count_check" CHECK ("char_count" >= 0);
ALTER TABLE "course_resources" ADD CONSTRAINT "course_resources_extractor_version_check" CHECK ("extractor_version" >= 1);
-- sira:extras end
