/** Course set-up as an admin does it through the running API: courses, uploads, structure. */
import { expect } from "vitest";
import type { SignedIn } from "../../apps/api/test/helpers.ts";
import { callJson } from "./http.ts";

export interface Resource {
  id: string;
  kind: string;
  index_status: string;
  index_error: string | null;
  index_progress_pct: number;
  chunk_count: number;
  page_count: number | null;
  summary_text: string | null;
  toc_json: { title: string; level: number; page: number | null }[];
  duplicate?: boolean;
}

export interface Proposal {
  id: string;
  status: string;
  error: string | null;
  proposal: {
    modules: {
      title_fr: string;
      title_en: string;
      units: { title_fr: string; title_en: string; unit_type: string }[];
    }[];
  } | null;
}

type Poll = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) => Promise<T>;

export function courseAdmin(base: string, admin: SignedIn, poll: Poll) {
  const api = <T>(path: string, init: Parameters<typeof callJson>[2] = {}) =>
    callJson<T>(base, path, { as: admin, ...init });

  async function createCourse(title: string, description: string): Promise<string> {
    const res = await api<{ id: string }>("/api/v1/admin/courses", {
      method: "POST",
      body: JSON.stringify({
        title_fr: `${title} (FR)`,
        title_en: `${title} (EN)`,
        description_fr: description,
        description_en: description,
      }),
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const resource = (courseId: string, id: string) =>
    poll(
      async () => (await api<Resource>(`/api/v1/admin/courses/${courseId}/resources/${id}`)).body,
      (r) => r.index_status === "done" || r.index_status === "failed",
      "indexing",
    );

  /** Uploads a file and waits until it is indexed (or failed). */
  async function upload(courseId: string, bytes: Uint8Array, filename: string, type = "application/pdf") {
    const form = new FormData();
    form.append("file", new Blob([bytes], { type }), filename);
    const res = await fetch(`${base}/api/v1/admin/courses/${courseId}/resources`, {
      method: "POST",
      headers: admin.headers,
      body: form,
    });
    expect(res.status).toBe(201);
    return resource(courseId, ((await res.json()) as Resource).id);
  }

  /** Asks for a structure proposal and waits until it is ready (or failed). */
  async function proposeStructure(courseId: string): Promise<Proposal> {
    const started = await api<{ id: string }>(`/api/v1/admin/courses/${courseId}/generate-structure`, {
      method: "POST",
    });
    expect(started.status).toBe(202);
    return poll(
      async () =>
        (await api<Proposal>(`/api/v1/admin/courses/${courseId}/structure-proposals/${started.body.id}`)).body,
      (p) => p.status === "ready" || p.status === "failed",
      "structure generation",
    );
  }

  return { api, createCourse, upload, resource, proposeStructure };
}
