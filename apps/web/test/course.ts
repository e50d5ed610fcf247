/**
 * A free, published course with an indexed document, set up as the learning e2e test does: the
 * course and its units written as the back office would, the document uploaded by an admin
 * through the running API and indexed by the real worker.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Db } from "@sira/infra/db";

export const DOCUMENT = `# Le paludisme : prévenir, dépister, traiter

## Comprendre la transmission

Le paludisme est une maladie parasitaire transmise par la piqûre d'un moustique anophèle femelle infecté.
Le parasite responsable est le Plasmodium, dont l'espèce Plasmodium falciparum cause les formes graves.
La saison des pluies augmente le nombre de gîtes larvaires et donc la transmission.

## Prévenir la maladie

La moustiquaire imprégnée d'insecticide protège les enfants et les femmes enceintes pendant le sommeil.
La chimioprévention saisonnière consiste à donner un traitement préventif aux enfants pendant la saison de forte transmission.
L'assainissement supprime les eaux stagnantes où se développent les larves de moustiques.

## Dépister et traiter

Le test de diagnostic rapide détecte les antigènes du parasite en quinze minutes à partir d'une goutte de sang.
La combinaison thérapeutique à base d'artémisinine est le traitement de référence du paludisme simple.
Un paludisme grave se reconnaît aux convulsions, à la prostration ou à une anémie sévère, et impose un transfert.
`;

export interface Course {
  id: string;
  slug: string;
  modules: { id: string; units: { id: string; unitType: string }[] }[];
}

/**
 * Module 1: two lessons, a quiz and flashcards (and a case study when asked); module 2: a lesson
 * and a quiz. Free unless `priceCredits` says otherwise.
 */
export async function makeCourse(
  db: Db,
  slugPrefix = "paludisme",
  options: { priceCredits?: number; caseStudy?: boolean } = {},
): Promise<Course> {
  const unit = (n: number, unitType: string, fr: string, en: string) => ({
    unitNumber: n,
    unitType,
    titleFr: fr,
    titleEn: en,
  });
  const course = await db.course.create({
    data: {
      slug: `${slugPrefix}-${crypto.randomUUID().slice(0, 8)}`,
      titleFr: "Le paludisme",
      titleEn: "Malaria",
      descriptionFr: "Prévenir, dépister et traiter le paludisme.",
      descriptionEn: "Preventing, testing and treating malaria.",
      status: "published",
      creationStep: "published",
      priceCredits: options.priceCredits ?? 0,
      moduleCount: 2,
      modules: {
        create: [
          {
            moduleNumber: 1,
            level: 1,
            titleFr: "Comprendre et prévenir le paludisme",
            titleEn: "Understanding and preventing malaria",
            descriptionFr: "Transmission et prévention.",
            descriptionEn: "Transmission and prevention.",
            estimatedHours: 2,
            bloomLevel: "understand",
            units: {
              create: [
                unit(1, "lesson", "La transmission", "Transmission"),
                unit(2, "lesson", "La prévention", "Prevention"),
                unit(3, "quiz", "Quiz du module", "Module quiz"),
                unit(4, "flashcards", "Cartes du module", "Module cards"),
                ...(options.caseStudy
                  ? [unit(5, "case_study", "Un cas au centre de santé", "A case at the health centre")]
                  : []),
              ],
            },
          },
          {
            moduleNumber: 2,
            level: 1,
            titleFr: "Dépister et traiter",
            titleEn: "Testing and treating",
            descriptionFr: "Diagnostic et traitement.",
            descriptionEn: "Diagnosis and treatment.",
            estimatedHours: 2,
            bloomLevel: "apply",
            units: { create: [unit(1, "lesson", "Le dépistage", "Testing"), unit(2, "quiz", "Test", "Test")] },
          },
        ],
      },
    },
    include: { modules: { orderBy: { moduleNumber: "asc" }, include: { units: { orderBy: { unitNumber: "asc" } } } } },
  });
  return { id: course.id, slug: course.slug, modules: course.modules };
}

/** Uploads the document as an admin and waits until the worker has indexed it. */
export async function indexDocument(
  base: string,
  admin: { headers: Record<string, string> },
  courseId: string,
  document = { text: DOCUMENT, name: "paludisme.md" },
): Promise<void> {
  const form = new FormData();
  form.append("file", new Blob([document.text], { type: "text/markdown" }), document.name);
  const res = await fetch(`${base}/api/v1/admin/courses/${courseId}/resources`, {
    method: "POST",
    headers: admin.headers,
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const status = await fetch(`${base}/api/v1/admin/courses/${courseId}/resources/${id}`, { headers: admin.headers })
      .then((r) => r.json() as Promise<{ index_status: string }>)
      .then((r) => r.index_status);
    if (status === "done") return;
    if (status === "failed" || Date.now() > deadline) throw new Error(`indexing ended ${status}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The demo's epidemiology handout, French half: enough concepts for a deck of a dozen cards. */
export function epidemiologyDocument(): { text: string; name: string } {
  const text = readFileSync(
    fileURLToPath(new URL("../../../packages/demo/src/documents/epidemiologie.md", import.meta.url)),
    "utf8",
  );
  return { text: `# ${text.split(/^# /m)[1] ?? text}`, name: "epidemiologie.md" };
}
