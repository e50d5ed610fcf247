/**
 * Hostile documents sent to the real upload route on a listening server: each ends as a clear 422
 * or a bounded extraction within a generous time bound, and the API keeps answering meanwhile.
 * The files are built by code (packages/domain/test/resources/hostile-files.ts).
 */
import type { Problem, UploadedResource } from "@sira/contracts";
import { indexResourceImages } from "@sira/domain";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  backtrackingMarkdown,
  deeplyNestedArrayPdf,
  deeplyNestedOutlinePdf,
  hugeImagePdf,
  longHeaderCsv,
  lyingSizeDocx,
  zipBombDocx,
} from "../../../../packages/domain/test/resources/hostile-files.ts";
import { closeTestDeps, listen, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, makeCourse, resourcesPath } from "./fixtures.ts";

const { app, deps } = testApp();
let base = "";
beforeAll(async () => {
  base = await listen(app);
});
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const utf8 = (s: string) => new TextEncoder().encode(s);

function send(server: string, admin: SignedIn, courseId: string, bytes: Uint8Array, filename: string) {
  const form = new FormData();
  form.append("file", new Blob([bytes]), filename);
  return fetch(`${server}${resourcesPath(courseId)}`, {
    method: "POST",
    body: form,
    headers: { ...admin.headers, "accept-language": "fr" },
  });
}

/**
 * Uploads while asking /health at the same time: the health answer must come back while the
 * upload is being read, and everything within `boundMs` (a bound on hanging, not a benchmark).
 */
async function hostileUpload(bytes: Uint8Array, filename: string, boundMs = 60_000, server = base) {
  const admin = await signIn(deps, { role: "admin" });
  const courseId = await makeCourse(deps);
  const started = performance.now();
  const uploading = send(server, admin, courseId, bytes, filename);
  const health = await fetch(`${server}/health`);
  expect(health.status).toBe(200);
  const res = await uploading;
  expect(performance.now() - started).toBeLessThan(boundMs);
  const after = await fetch(`${server}${resourcesPath(courseId)}`, { headers: admin.headers });
  expect(after.status).toBe(200);
  return { res, admin, courseId };
}

async function refusedWith(res: Response, code: string): Promise<Problem> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = (await res.json()) as Problem;
  expect({ status: res.status, code: problem.code }).toEqual({ status: 422, code });
  return problem;
}

describe("hostile uploads through the API", { timeout: 120_000 }, () => {
  it("Markdown lines built to backtrack for minutes: accepted at once, with its outline", async () => {
    const { res } = await hostileUpload(utf8(backtrackingMarkdown(40)), "cours.md");
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadedResource;
    expect(body.toc_json[0]).toEqual({ title: "Cours de santé publique", level: 1, page: null });
    expect(body.index_status).toBe("queued");
  });

  it("a CSV repeating a 120 kB header on each row: text in proportion to the file, then refusal past the cap", async () => {
    const csv = utf8(longHeaderCsv(60, 2_000, 400));
    const { res } = await hostileUpload(csv, "mesures.csv");
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadedResource;
    expect(body.char_count).toBeLessThan(10 * csv.byteLength);

    const larger = await hostileUpload(utf8(longHeaderCsv(100, 2_000, 2_500)), "grand.csv");
    const problem = await refusedWith(larger.res, "FILE_TEXT_TOO_LONG");
    expect(problem.detail).toContain("Découpez-le");
    expect(await deps.db.courseResource.count()).toBe(1);
  });

  it("DOCX zip bombs (a 1,000:1 part, a part lying about its size): 422 FILE_DECOMPRESSION_BOMB", async () => {
    await refusedWith((await hostileUpload(zipBombDocx(), "bombe.docx")).res, "FILE_DECOMPRESSION_BOMB");
    await refusedWith((await hostileUpload(lyingSizeDocx(), "menteur.docx")).res, "FILE_DECOMPRESSION_BOMB");
    expect(await deps.db.courseResource.count()).toBe(0);
  });

  it("deeply nested PDFs: 422, and the next PDF is read as usual", async () => {
    // pdf.js overflows its stack cloning this outline, outside any promise: it used to end the process.
    await refusedWith((await hostileUpload(deeplyNestedOutlinePdf(), "plan.pdf")).res, "FILE_TOO_COMPLEX");
    await refusedWith((await hostileUpload(deeplyNestedArrayPdf(), "tableaux.pdf")).res, "FILE_CORRUPT");
    const { res } = await hostileUpload(await bilingualPdf(), "guide.pdf");
    expect(res.status).toBe(201);
  });

  it("a 16,000² image from a few bytes: the text is accepted and the image job skips the picture", async () => {
    const { res } = await hostileUpload(hugeImagePdf(), "atlas.pdf");
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as UploadedResource;
    const started = performance.now();
    // Decoding it meant 768 MB of pixels, then a 256-megapixel WebP; now pdf.js leaves it out.
    expect(await indexResourceImages(deps, id)).toEqual({ status: "done", added: 0, total: 0 });
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it("a document that outlasts the extraction deadline: 422 FILE_TOO_COMPLEX, nothing stored", async () => {
    const strict = testApp({ EXTRACTION_TIMEOUT_MS: "1" });
    const server = await listen(strict.app);
    const { res } = await hostileUpload(await bilingualPdf(), "guide.pdf", 60_000, server);
    const problem = await refusedWith(res, "FILE_TOO_COMPLEX");
    expect(problem.detail).toContain("mémoire");
    expect(await deps.db.courseResource.count()).toBe(0);
  });
});
