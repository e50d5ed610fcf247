/** A published course of several modules (lessons + one quiz unit each), for the progress tests. */
import type { Db } from "@sira/infra/db";

export interface ProgressCourse {
  courseId: string;
  modules: { id: string; number: number; lessons: string[]; quiz: string | null }[];
}

/**
 * `shape[i]` is module i+1: its lesson count and whether it has a quiz unit (last). Defaults to
 * three modules of four lessons and a quiz, so four lessons done is exactly 80 %.
 */
export async function makeProgressCourse(
  db: Db,
  options: {
    shape?: { lessons: number; quiz: boolean }[];
    expertId?: string;
    titleFr?: string;
    titleEn?: string;
  } = {},
): Promise<ProgressCourse> {
  const shape = options.shape ?? [
    { lessons: 4, quiz: true },
    { lessons: 4, quiz: true },
    { lessons: 4, quiz: true },
  ];
  const course = await db.course.create({
    data: {
      slug: `progression-${crypto.randomUUID().slice(0, 8)}`,
      titleFr: options.titleFr ?? "Santé communautaire",
      titleEn: options.titleEn ?? "Community health",
      descriptionFr: "Prévention et soins de base au village.",
      descriptionEn: "Prevention and primary care in the village.",
      status: "published",
      creationStep: "published",
      expertId: options.expertId ?? null,
      moduleCount: shape.length,
    },
  });
  const modules: ProgressCourse["modules"] = [];
  for (const [i, s] of shape.entries()) {
    const units = [
      ...Array.from({ length: s.lessons }, (_, j) => ({
        unitNumber: j + 1,
        unitType: "lesson",
        titleFr: `Leçon ${i + 1}.${j + 1}`,
        titleEn: `Lesson ${i + 1}.${j + 1}`,
      })),
      ...(s.quiz ? [{ unitNumber: s.lessons + 1, unitType: "quiz", titleFr: "Quiz", titleEn: "Quiz" }] : []),
    ];
    const m = await db.module.create({
      data: {
        courseId: course.id,
        moduleNumber: i + 1,
        level: 1,
        titleFr: `Module ${i + 1} : l'hygiène`,
        titleEn: `Module ${i + 1}: hygiene`,
        descriptionFr: "Laver, protéger, prévenir.",
        descriptionEn: "Wash, protect, prevent.",
        estimatedHours: 2,
        bloomLevel: "apply",
        objectivesFr: [`Objectif ${i + 1}`],
        objectivesEn: [`Objective ${i + 1}`],
        units: { create: units },
      },
      include: { units: { orderBy: { unitNumber: "asc" } } },
    });
    modules.push({
      id: m.id,
      number: i + 1,
      lessons: m.units.filter((u) => u.unitType === "lesson").map((u) => u.id),
      quiz: m.units.find((u) => u.unitType === "quiz")?.id ?? null,
    });
  }
  return { courseId: course.id, modules };
}

export async function enrollIn(db: Db, userId: string, courseId: string, status = "active"): Promise<void> {
  await db.userCourseEnrollment.create({ data: { userId, courseId, status } });
}
