/**
 * What bad uploads get: problem+json with a stable code and a message in the request's language,
 * for a body that is not a form, a form without the file, the wrong type, too large (by header and
 * by counting), encrypted, corrupt and empty documents, and ids that are not UUIDs.
 */
import type { Problem } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, listen, resetState, signIn, testApp } from "../helpers.ts";
import {
  bilingualPdf,
  buildTestPdf,
  makeCourse,
  resourcesPath,
  setMaxUploadMb,
  testPng,
  testWebp,
  upload,
} from "./fixtures.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

async function problemOf(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as Problem;
  expect(body.code).toBe(code);
  return body;
}

async function setUp() {
  const admin = await signIn(deps, { role: "admin" });
  return { admin, courseId: await makeCourse(deps) };
}

describe("upload refusals", () => {
  it("400 VALIDATION_FAILED naming `file` when the body is not multipart or has no file", async () => {
    const { admin, courseId } = await setUp();
    const json = await app.request(resourcesPath(courseId), {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ file: "x" }),
    });
    expect((await problemOf(json, 400, "VALIDATION_FAILED")).errors).toMatchObject([{ field: "file" }]);
    const wrongField = await upload(app, admin, courseId, new TextEncoder().encode("texte"), "a.txt", {
      field: "document",
    });
    expect((await problemOf(wrongField, 400, "VALIDATION_FAILED")).errors?.[0]?.message).toContain("`file`");
    const noBoundary = await app.request(resourcesPath(courseId), {
      method: "POST",
      headers: { ...admin.headers, "content-type": "multipart/form-data" },
      body: "--x\r\n",
    });
    await problemOf(noBoundary, 400, "VALIDATION_FAILED");
    const badId = await upload(app, admin, "not-a-uuid", new TextEncoder().encode("texte"), "a.txt");
    expect((await problemOf(badId, 400, "VALIDATION_FAILED")).errors).toMatchObject([{ field: "course_id" }]);
  });

  it("400 when the multipart body ends before the file does", async () => {
    const { admin, courseId } = await setUp();
    const boundary = "sira-test-boundary";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nLe début seulement`;
    const res = await app.request(resourcesPath(courseId), {
      method: "POST",
      headers: { ...admin.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    await problemOf(res, 400, "VALIDATION_FAILED");
    expect(await deps.db.courseResource.count()).toBe(0);
  });

  it("415 FILE_TYPE_NOT_ALLOWED for a WebP picture, an unknown extension or binary text", async () => {
    const { admin, courseId } = await setUp();
    const webp = await problemOf(
      await upload(app, admin, courseId, await testWebp(), "cours.pdf", { lang: "fr" }),
      415,
      "FILE_TYPE_NOT_ALLOWED",
    );
    expect(webp.detail).toContain("Types acceptés");
    await problemOf(
      await upload(app, admin, courseId, new TextEncoder().encode("x"), "cours.exe"),
      415,
      "FILE_TYPE_NOT_ALLOWED",
    );
    await problemOf(
      await upload(app, admin, courseId, new Uint8Array([0xff, 0xfe, 0x00, 0x41]), "notes.txt"),
      415,
      "FILE_TYPE_NOT_ALLOWED",
    );
  });

  it("413 FILE_TOO_LARGE past the uploads.max_mb setting, by Content-Length or by counting", async () => {
    const { admin, courseId } = await setUp();
    await setMaxUploadMb(deps, 1);
    const big = new Uint8Array(1024 * 1024 + 10).fill(0x61);
    const counted = await problemOf(
      await upload(app, admin, courseId, big, "big.txt", { lang: "fr" }),
      413,
      "FILE_TOO_LARGE",
    );
    expect(counted.detail).toContain("1 Mio");

    const declared = await app.request(resourcesPath(courseId), {
      method: "POST",
      headers: {
        ...admin.headers,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(3 * 1024 * 1024),
      },
      body: "--x--\r\n",
    });
    await problemOf(declared, 413, "FILE_TOO_LARGE");
    expect(await deps.db.courseResource.count()).toBe(0);
  });

  it("413 over a real socket while the client is still sending, and the server keeps serving", async () => {
    const { admin, courseId } = await setUp();
    await setMaxUploadMb(deps, 1);
    const base = await listen(app);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(4 * 1024 * 1024).fill(0x61)]), "big.txt");
    // No Content-Length: the body is streamed in chunks, so only counting can stop it.
    const encoded = new Response(form);
    const body = encoded.body as ReadableStream<Uint8Array>;
    const contentType = encoded.headers.get("content-type") as string;
    const res = await fetch(`${base}${resourcesPath(courseId)}`, {
      method: "POST",
      headers: { ...admin.headers, "content-type": contentType },
      body,
      duplex: "half",
    } as RequestInit);
    await problemOf(res, 413, "FILE_TOO_LARGE");
    const after = await fetch(`${base}${resourcesPath(courseId)}`, { headers: admin.headers });
    expect(after.status).toBe(200);
    expect(await deps.db.courseResource.count()).toBe(0);
  });

  it("422 for an encrypted PDF, a corrupt PDF and a document without text", async () => {
    const { admin, courseId } = await setUp();
    const encrypted = await buildTestPdf({ pages: [{ text: ["Secret"] }], encrypt: true });
    const enc = await problemOf(
      await upload(app, admin, courseId, encrypted, "secret.pdf", { lang: "fr" }),
      422,
      "FILE_ENCRYPTED",
    );
    expect(enc.detail).toContain("mot de passe");
    const corrupt = (await bilingualPdf()).subarray(0, 700);
    await problemOf(await upload(app, admin, courseId, corrupt, "cut.pdf"), 422, "FILE_CORRUPT");
    // A page with neither text nor image; a scan is accepted and read by OCR in the worker.
    const blank = await buildTestPdf({ pages: [{ text: [] }] });
    const empty = await problemOf(await upload(app, admin, courseId, blank, "blanc.pdf"), 422, "FILE_EMPTY");
    expect(empty.detail).toContain("neither text nor scanned pages");
    const photo = await problemOf(
      await upload(app, admin, courseId, (await testPng()).subarray(0, 60), "photo.png"),
      422,
      "FILE_CORRUPT",
    );
    expect(photo.code).toBe("FILE_CORRUPT");
    await problemOf(await upload(app, admin, courseId, new Uint8Array(), "vide.txt"), 422, "FILE_EMPTY");
    expect(await deps.db.courseResource.count()).toBe(0);
  });
});

describe("other routes", () => {
  it("400 for ids that are not UUIDs, 404 for unknown resources and courses", async () => {
    const { admin, courseId } = await setUp();
    const bad = await app.request(`${resourcesPath(courseId)}/nope`, { headers: admin.headers });
    await problemOf(bad, 400, "VALIDATION_FAILED");
    const unknown = await app.request(`${resourcesPath(courseId)}/${crypto.randomUUID()}`, { headers: admin.headers });
    await problemOf(unknown, 404, "NOT_FOUND");
    const course = await app.request(resourcesPath(crypto.randomUUID()), { headers: admin.headers });
    await problemOf(course, 404, "NOT_FOUND");
    const reindex = await app.request(`${resourcesPath(courseId)}/${crypto.randomUUID()}/reindex`, {
      method: "POST",
      headers: admin.headers,
    });
    await problemOf(reindex, 404, "NOT_FOUND");
    const list = await app.request(`${resourcesPath(courseId)}?index_status=lost&limit=500`, {
      headers: admin.headers,
    });
    const problem = await problemOf(list, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(["index_status", "limit"]);
  });

  it("404, never 500, to deletes and re-index requests racing a delete", async () => {
    const { admin, courseId } = await setUp();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await upload(
        app,
        admin,
        courseId,
        new TextEncoder().encode(`Notes ${i} sur le paludisme.`),
        `n${i}.txt`,
      );
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const id of ids) {
      const path = `${resourcesPath(courseId)}/${id}`;
      const answers = await Promise.all([
        app.request(path, { method: "DELETE", headers: admin.headers }),
        app.request(path, { method: "DELETE", headers: admin.headers }),
        app.request(`${path}/reindex`, { method: "POST", headers: admin.headers }),
        app.request(`${path}/reindex`, { method: "POST", headers: admin.headers }),
      ]);
      const [first, second, ...reindexes] = answers.map((r) => r.status);
      expect([first, second].sort()).toEqual([204, 404]);
      for (const status of reindexes) expect([202, 404]).toContain(status);
      for (const res of answers.filter((r) => r.status === 404)) await problemOf(res, 404, "NOT_FOUND");
    }
    expect(await deps.db.courseResource.count({ where: { courseId } })).toBe(0);
  });
});
