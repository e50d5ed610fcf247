/**
 * /api/v1/admin/courses/{id}/resources and tRPC admin.resources, as an admin and as the course's
 * expert: multipart upload (new and duplicate), list, status, re-index and delete.
 */
import type { CourseResourceView, UploadedResource } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, buildTestDocx, callerFor, makeCourse, resourcesPath, SAMPLE_TEXT, upload } from "./fixtures.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const text = (s: string) => new TextEncoder().encode(s);

describe("POST /api/v1/admin/courses/{id}/resources", () => {
  it("accepts each document type with 201, and the same bytes again with 200 and duplicate: true", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const files: [string, Uint8Array, string][] = [
      ["guide.pdf", await bilingualPdf(), "pdf"],
      ["notes.docx", buildTestDocx([{ text: "Hygiène", heading: 1 }, { text: SAMPLE_TEXT.fr }]), "docx"],
      ["data.csv", text("nom;définition\nPaludisme;Maladie parasitaire\n"), "csv"],
      ["notes.txt", text(SAMPLE_TEXT.en), "txt"],
      ["cours.md", text(`# Cours\n\n${SAMPLE_TEXT.fr}`), "md"],
    ];
    for (const [name, bytes, kind] of files) {
      const res = await upload(app, admin, courseId, bytes, name);
      expect(res.status).toBe(201);
      const body = (await res.json()) as UploadedResource;
      expect(body).toMatchObject({ filename: name, kind, byte_size: bytes.byteLength, duplicate: false });
      expect(body.index_status).toBe("queued");
    }
    const again = await upload(app, admin, courseId, files[0]?.[1] as Uint8Array, "copie.pdf");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ filename: "guide.pdf", duplicate: true });
    expect(await deps.db.courseResource.count({ where: { courseId } })).toBe(5);
  });

  it("keeps a UTF-8 file name and ignores other form fields", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const courseId = await makeCourse(deps, expert.userId);
    const form = new FormData();
    form.append("note", "ignored");
    form.append("file", new Blob([text(SAMPLE_TEXT.fr)]), "Santé publique – résumé.txt");
    const res = await app.request(resourcesPath(courseId), { method: "POST", body: form, headers: expert.headers });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ filename: "Santé publique – résumé.txt", uploaded_by: expert.userId });
  });
});

describe("list, get, reindex and delete", () => {
  it("work over REST for the course's expert", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const courseId = await makeCourse(deps, expert.userId);
    const a = (await (await upload(app, expert, courseId, await bilingualPdf(), "a.pdf")).json()) as UploadedResource;
    const b = (await (await upload(app, expert, courseId, text(SAMPLE_TEXT.en), "b.txt")).json()) as UploadedResource;

    const list = await app.request(`${resourcesPath(courseId)}?limit=1`, { headers: expert.headers });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ page: 1, limit: 1, total: 2, has_more: true, items: [{ id: b.id }] });

    const one = await app.request(`${resourcesPath(courseId)}/${a.id}`, { headers: expert.headers });
    expect(one.status).toBe(200);
    const view = (await one.json()) as CourseResourceView;
    expect(view).toMatchObject({ id: a.id, page_count: 3, index_status: "queued", index_error: null, chunk_count: 0 });
    expect(view.toc_json[0]).toEqual({ title: "Chapitre 1 : Le paludisme", level: 1, page: 1 });
    expect(view.summary_text).toContain("paludisme");
    expect(one.headers.get("etag")).toBeTruthy();

    await deps.db.courseResource.update({ where: { id: a.id }, data: { indexStatus: "failed", indexError: "boom" } });
    const again = await app.request(`${resourcesPath(courseId)}/${a.id}/reindex`, {
      method: "POST",
      headers: expert.headers,
    });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ id: a.id, index_status: "queued", index_error: null });

    const gone = await app.request(`${resourcesPath(courseId)}/${b.id}`, { method: "DELETE", headers: expert.headers });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe("");
    const after = await app.request(`${resourcesPath(courseId)}/${b.id}`, { headers: expert.headers });
    expect(after.status).toBe(404);
  });

  it("work over tRPC admin.resources with the same answers", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const up = (await (await upload(app, admin, courseId, text(SAMPLE_TEXT.fr), "n.txt")).json()) as UploadedResource;
    const caller = await callerFor(deps, admin);
    const page = await caller.admin.resources.list({ course_id: courseId, page: 1, limit: 20 });
    expect(page).toMatchObject({ total: 1, items: [{ id: up.id, kind: "txt" }] });
    const rest = await (await app.request(`${resourcesPath(courseId)}/${up.id}`, { headers: admin.headers })).json();
    expect(await caller.admin.resources.get({ course_id: courseId, resource_id: up.id })).toEqual(rest);
    expect(await caller.admin.resources.reindex({ course_id: courseId, resource_id: up.id })).toMatchObject({
      index_status: "queued",
    });
    expect(await caller.admin.resources.delete({ course_id: courseId, resource_id: up.id })).toEqual({
      id: up.id,
      deleted: true,
    });
    expect(await deps.db.courseResource.count()).toBe(0);
  });

  it("are documented in /openapi.json", async () => {
    const spec = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    const path = spec.paths["/api/v1/admin/courses/{course_id}/resources"];
    expect(Object.keys(path ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(path?.post?.requestBody?.content ?? {})).toEqual(["multipart/form-data"]);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/admin/courses/{course_id}/resources/{resource_id}",
        "/api/v1/admin/courses/{course_id}/resources/{resource_id}/reindex",
        "/api/v1/courses/{course_id}/source-images",
        "/api/v1/source-images/{id}",
        "/api/v1/source-images/{id}/thumbnail",
      ]),
    );
  });
});
