import { Readable } from "node:stream";
import { AppError } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { fileResponse, parseByteRange } from "../src/http/file-response.ts";

const bytes = Buffer.from("0123456789");
const file = {
  size: bytes.length,
  etag: '"abc"',
  mimeType: "audio/ogg",
  cacheControl: "private, max-age=31536000, immutable",
  open: async (range?: { start: number; end: number }) =>
    Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]),
};
const headersOf = (h: Record<string, string>) => (name: string) => h[name];

describe("byte ranges", () => {
  it("reads first-last, open-ended and suffix ranges, clamped to the file", () => {
    expect(parseByteRange("bytes=2-4", 10)).toEqual({ start: 2, end: 4 });
    expect(parseByteRange("bytes=7-", 10)).toEqual({ start: 7, end: 9 });
    expect(parseByteRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseByteRange("bytes=-30", 10)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange("bytes=5-99", 10)).toEqual({ start: 5, end: 9 });
  });

  it("serves the whole file for several ranges or another unit, and refuses ranges past the end", () => {
    expect(parseByteRange("bytes=0-1,4-5", 10)).toBeNull();
    expect(parseByteRange("items=0-1", 10)).toBeNull();
    expect(() => parseByteRange("bytes=10-", 10)).toThrow(AppError);
    expect(() => parseByteRange("bytes=5-2", 10)).toThrow(AppError);
    expect(() => parseByteRange("bytes=-0", 10)).toThrow(AppError);
  });

  it("answers 206 with the slice, 200 when If-Range names another version, 304 on a matching tag", async () => {
    const partial = await fileResponse(headersOf({ range: "bytes=2-4" }), "GET", file);
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe("bytes 2-4/10");
    expect(await partial.text()).toBe("234");

    const stale = await fileResponse(headersOf({ range: "bytes=2-4", "if-range": '"old"' }), "GET", file);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe("0123456789");

    const cached = await fileResponse(headersOf({ "if-none-match": '"abc"' }), "GET", file);
    expect(cached.status).toBe(304);
    expect(cached.body).toBeNull();
  });
});
