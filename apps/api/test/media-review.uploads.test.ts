/**
 * Uploads meeting hostile fields and a course deleted while they arrive: a NUL in a multipart text
 * field (the JSON check does not read multipart bodies) is a 400 naming the field, and a draft
 * course deleted mid-upload (a slow phone upload, the console deleting the draft) is a 404; both
 * used to fail in the database as a 500.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Problem } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type CourseFixture, makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { testPng } from "../../../packages/domain/test/fixtures/pdf.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { until } from "./workers.ts";

// Its own storage: the temporary uploads it looks at must be its own, not other files' in flight.
const { app, deps } = testApp({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "sira-upload-review-")) });
let expert: SignedIn;
let course: CourseFixture;
beforeEach(async () => {
  await resetState();
  expert = await signIn(deps, { role: "expert" });
  course = await makeCourse(deps.db, { expertId: expert.userId, status: "draft" });
});
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const BOUNDARY = "----sira-review";
const encoder = new TextEncoder();
const mediaPath = () => `/api/v1/admin/modules/${course.moduleId}/media/upload`;
const resourcesPath = () => `/api/v1/admin/courses/${course.courseId}/resources`;
const fieldPart = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = (filename: string, type: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;

/** A multipart body sent in `head` then, once `gate` resolves, `rest`: an upload still arriving. */
function slowBody(head: Uint8Array, gate: Promise<unknown>, rest: Uint8Array): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === 0) controller.enqueue(head);
      else if (sent === 1) {
        await gate;
        controller.enqueue(rest);
      } else controller.close();
      sent += 1;
    },
  });
}

function post(path: string, body: Uint8Array | ReadableStream<Uint8Array>, lang = "en") {
  return app.request(path, {
    method: "POST",
    body,
    headers: {
      ...expert.headers,
      "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      "accept-language": lang,
    },
    duplex: "half",
  } as RequestInit);
}

const concat = (...parts: (string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p)));

async function storedUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of deps.storage.list(prefix)) keys.push(object.key);
  return keys;
}
const temporaryUploads = () => storedUnder("tmp");

/** Deletes the draft course through the console's route once the upload is being stored. */
async function deleteCourseMidUpload(): Promise<void> {
  await until(temporaryUploads, (keys) => keys.length > 0);
  const res = await app.request(`/api/v1/admin/courses/${course.courseId}`, {
    method: "DELETE",
    headers: expert.headers,
  });
  expect(res.status).toBe(200);
}

describe("module media upload fields", () => {
  it("refuses a NUL in a text field with 400 naming it, in the request's language, storing nothing", async () => {
    const png = await testPng(2, 40, 40);
    const body = concat(
      fieldPart("title_fr", "Sch\u0000éma"),
      fieldPart("title_en", "Diagram"),
      fileHead("schema.png", "image/png"),
      png,
      tail,
    );
    const res = await post(mediaPath(), body, "fr");
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ field: "title_fr", code: "invalid_characters" })]);
    expect(problem.errors?.[0]?.message).toContain("Caractère interdit");
    expect(await deps.db.moduleMedia.count()).toBe(0);
    expect(await temporaryUploads()).toEqual([]);
  });
});

describe("a draft course deleted while an upload arrives", () => {
  it("module media: 404, nothing kept", async () => {
    const png = await testPng(2, 200, 200);
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const head = concat(
      fieldPart("title_fr", "Schéma"),
      fieldPart("title_en", "Diagram"),
      fileHead("a.png", "image/png"),
    );
    const [res] = await Promise.all([
      post(mediaPath(), slowBody(concat(head, png.subarray(0, 600)), gate, concat(png.subarray(600), tail))),
      deleteCourseMidUpload().finally(open),
    ]);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Problem).code).toBe("NOT_FOUND");
    expect(await deps.db.moduleMedia.count()).toBe(0);
    expect(await storedUnder(`courses/${course.courseId}`)).toEqual([]);
    expect(await temporaryUploads()).toEqual([]);
  });

  it("a course document: 404, nothing kept", async () => {
    const text = `# Paludisme\n\n${"Le paludisme est une maladie transmise par les moustiques. ".repeat(200)}\n`;
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const head = concat(fileHead("cours.md", "text/markdown"), text.slice(0, 6000));
    const [res] = await Promise.all([
      post(resourcesPath(), slowBody(head, gate, concat(text.slice(6000), tail))),
      deleteCourseMidUpload().finally(open),
    ]);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Problem).code).toBe("NOT_FOUND");
    expect(await deps.db.courseResource.count()).toBe(0);
    expect(await storedUnder(`courses/${course.courseId}`)).toEqual([]);
    expect(await temporaryUploads()).toEqual([]);
  });
});
