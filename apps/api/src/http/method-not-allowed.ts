/**
 * 405 for a known path asked with a method none of its routes takes (RFC 9110 §15.5.6), with the
 * methods they do take in `Allow`. It runs only in the not-found handler, so a matched request
 * never pays for it. Its own trie, built once from the app's routes, keeps nothing per request:
 * a client walking through paths grows no cache (the app's MemoRouter stays bounded as before).
 */
import { AppError } from "@sira/contracts";
import type { Context } from "hono";
import { METHOD_NAME_ALL } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import type { AppEnv } from "../app-types.ts";
import { problemResponse } from "./problem.ts";

/** The order `Allow` lists methods in. OPTIONS: the CORS middleware answers it on every path. */
const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The methods a path's routes take, from the app's routes (middleware, registered for every
 * method, is not a route). `hidden` paths are left out: a route that answers 404 on purpose.
 */
export function allowedMethods(
  routes: () => readonly RouterRoute[],
  hidden: readonly string[] = [],
): (path: string) => readonly string[] | null {
  let trie: TrieRouter<string> | undefined;
  let built = -1;
  return (path) => {
    const all = routes();
    // Built on the first miss, again only if routes were added since (tests add some).
    if (!trie || built !== all.length) {
      trie = new TrieRouter<string>();
      for (const route of all) {
        if (route.method === METHOD_NAME_ALL || hidden.includes(route.path)) continue;
        trie.add(METHOD_NAME_ALL, route.path, route.method);
      }
      built = all.length;
    }
    const found = new Set(trie.match(METHOD_NAME_ALL, path)[0].map(([method]) => method));
    if (!found.size) return null;
    if (found.has("GET")) found.add("HEAD");
    found.add("OPTIONS");
    return ORDER.filter((method) => found.has(method)).concat([...found].filter((m) => !ORDER.includes(m)));
  };
}

/** The not-found handler: 405 with `Allow` when the path is known under other methods, else 404. */
export function notFoundOrNotAllowed(
  methodsOf: (path: string) => readonly string[] | null,
): (c: Context<AppEnv>) => Response {
  return (c) => {
    const allowed = methodsOf(c.req.path);
    // A route that matched and sent us here itself (c.notFound()) is a 404, not a wrong method.
    if (!allowed || allowed.includes(c.req.method)) return problemResponse(c, new AppError("ROUTE_NOT_FOUND"));
    const res = problemResponse(c, new AppError("METHOD_NOT_ALLOWED"));
    res.headers.set("allow", allowed.join(", "));
    return res;
  };
}
