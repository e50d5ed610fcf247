/**
 * A regenerated lesson retires its audio: the rows still at an older version stop being served,
 * and the next request makes them again. Their files are deleted by that job, once the new ones
 * are written (a phone in the middle of a section keeps it until then).
 */
import type { Tx } from "@sira/infra/db";

export async function retireLessonAudio(db: Tx, contentId: string, version: number): Promise<number> {
  const retired = await db.generatedAudio.updateMany({
    where: { contentId, contentVersion: { lt: version }, status: { not: "retired" } },
    data: { status: "retired" },
  });
  return retired.count;
}
