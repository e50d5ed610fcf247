/**
 * What the learning e2e tests share: calls to the running API as a signed-in user, a poll that shows
 * the worker's last output when it gives up, the course they learn (written as the back office
 * would), its document uploaded by an admin and indexed by the real worker, and a learner's modules.
 */
import type { Db } from "@sira/infra/db";
import { expect } from "vitest";
import type { SignedIn } from "../../apps/api/test/helpers.ts";
import { callJson, poll as pollUntil } from "./http.ts";
import type { Service } from "./processes.ts";

export interface Course {
  courseId: string;
  modules: { id: string; units: { id: string; unitType: string }[] }[];
}

export interface ModuleRow {
  id: string;
  locked: boolean;
  completion_pct: number;
  quiz_score_avg: number | null;
}

/** A published course: module 1 holds three lessons, a quiz and flashcards; module 2 one lesson and a quiz. */
export async function makeCourse(db: Db): Promise<Course> {
  const unit = (n: number, unitType: string) => ({
    unitNumber: n,
    unitType,
    titleFr: `Unité ${n} : ${unitType}`,
    titleEn: `Unit ${n}: ${unitType}`,
  });
  const course = await db.course.create({
    data: {
      slug: `paludisme-${crypto.randomUUID().slice(0, 8)}`,
      titleFr: "Le paludisme",
      titleEn: "Malaria",
      descriptionFr: "Prévenir, dépister et traiter le paludisme.",
      descriptionEn: "Preventing, testing and treating malaria.",
      status: "published",
      creationStep: "published",
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
              create: [unit(1, "lesson"), unit(2, "lesson"), unit(3, "lesson"), unit(4, "quiz"), unit(5, "flashcards")],
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
            units: { create: [unit(1, "lesson"), unit(2, "quiz")] },
          },
        ],
      },
    },
    include: { modules: { orderBy: { moduleNumber: "asc" }, include: { units: { orderBy: { unitNumber: "asc" } } } } },
  });
  return { courseId: course.id, modules: course.modules };
}

/** Calls against the stack `running` gives once it has started (read at each call). */
export function learningCalls(running: () => { base: string; worker: Service; admin: SignedIn }) {
  const call = <T>(path: string, as: SignedIn, init: RequestInit = {}) =>
    callJson<T>(running().base, path, {
      ...init,
      as,
      headers: { "accept-language": "fr", ...(init.headers as Record<string, string>) },
    });
  const poll = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) =>
    pollUntil(read, done, what, { context: () => running().worker.output().slice(-3000) });

  /** Uploads `document` (Markdown) as the admin and waits until the worker has indexed it. */
  async function indexDocument(courseId: string, document: string): Promise<void> {
    const { base, admin } = running();
    const form = new FormData();
    form.append("file", new Blob([document], { type: "text/markdown" }), "paludisme.md");
    const res = await fetch(`${base}/api/v1/admin/courses/${courseId}/resources`, {
      method: "POST",
      headers: admin.headers,
      body: form,
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const status = await poll(
      async () =>
        (await call<{ index_status: string }>(`/api/v1/admin/courses/${courseId}/resources/${id}`, admin)).body
          .index_status,
      (s) => s === "done" || s === "failed",
      "indexing",
    );
    expect(status).toBe("done");
  }

  const modulesOf = async (learner: SignedIn, courseId: string) =>
    (await call<{ items: ModuleRow[] }>(`/api/v1/modules?course_id=${courseId}`, learner)).body.items;

  const complete = async (learner: SignedIn, moduleId: string, unitId: string) =>
    (await call(`/api/v1/modules/${moduleId}/units/${unitId}/complete`, learner, { method: "POST", body: "{}" }))
      .status;

  return { call, poll, indexDocument, modulesOf, complete };
}
