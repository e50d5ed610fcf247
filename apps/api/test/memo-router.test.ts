/**
 * The app's router keeps each path's answer: the same handlers and parameters as Hono's TrieRouter
 * gives for the same routes, within its bounds, and forgotten when a route is added.
 */
import { TrieRouter } from "hono/router/trie-router";
import { afterAll, describe, expect, it } from "vitest";
import { MemoRouter } from "../src/http/memo-router.ts";
import { closeTestDeps, testApp } from "./helpers.ts";

const { app } = testApp();
afterAll(closeTestDeps);

const COURSE = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f";
const REQUESTS: [string, string][] = [
  ["GET", "/health"],
  ["GET", "/api/v1/dashboard"],
  ["GET", "/api/v1/courses/taxonomy"],
  ["GET", `/api/v1/courses/${COURSE}`],
  ["GET", "/api/v1/courses/introduction-a-l-economie"],
  ["POST", `/api/v1/courses/${COURSE}/enroll`],
  ["GET", `/api/v1/courses/${COURSE}/preassessment`],
  ["GET", "/api/v1/modules"],
  ["POST", "/trpc/auth.login"],
  ["GET", "/no/such/route"],
  ["DELETE", "/health"],
];

describe("the app's router", () => {
  const routes = app.routes;
  const trie = new TrieRouter<unknown>();
  // Hono hands its router each route as [handler, route].
  for (const r of routes) trie.add(r.method, r.path, [r.handler, r]);

  it("is the memo router, and answers every request as the TrieRouter does, the first time and after", () => {
    const router = app.router as MemoRouter<unknown>;
    expect(router.name).toBe("MemoRouter(TrieRouter)");
    for (const pass of [1, 2]) {
      for (const [method, path] of REQUESTS) {
        expect(router.match(method, path), `${method} ${path}, pass ${pass}`).toEqual(trie.match(method, path));
      }
    }
    // Parameters are the request's own: two ids never share an answer.
    const other = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    const params = (path: string) =>
      router.match("GET", path)[0].flatMap(([, p]) => Object.values(p as Record<string, string>));
    expect(params(`/api/v1/courses/${COURSE}`)).toContain(COURSE);
    expect(params(`/api/v1/courses/${other}`)).toContain(other);
    expect(params(`/api/v1/courses/${other}`)).not.toContain(COURSE);
  });

  it("keeps at most maxEntries answers, none for long paths, and forgets them all when a route is added", () => {
    const router = new MemoRouter<string>(3, 40);
    router.add("GET", "/items/:id", "item");
    router.add("GET", "/items/new", "form");
    for (let i = 0; i < 10; i++) expect(router.match("GET", `/items/${i}`)[0]).toEqual([["item", { id: String(i) }]]);
    expect(router.size).toBe(3);
    const long = `/items/${"x".repeat(60)}`;
    expect(router.match("GET", long)[0]).toEqual([["item", { id: "x".repeat(60) }]]);
    expect(router.size).toBe(3);
    expect(router.match("GET", "/items/new")[0].map(([h]) => h)).toEqual(["item", "form"]);
    router.add("GET", "/items/:id", "second");
    expect(router.size).toBe(0);
    expect(router.match("GET", "/items/7")[0].map(([h]) => h)).toEqual(["item", "second"]);
  });
});
