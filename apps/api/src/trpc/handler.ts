/** Mounts the app router on Hono at /trpc, with the context built from the request's middleware. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { requestFacts } from "../caller.ts";
import { toAppError } from "../http/problem.ts";
import { batchRefusal, TRPC_ENDPOINT } from "./batch.ts";
import { trpcRequest } from "./init.ts";
import { appRouter } from "./router.ts";

export async function trpcHandler(c: Context<AppEnv>): Promise<Response> {
  const facts = { lang: c.get("lang"), requestId: c.get("requestId") };
  const res = await trpcRequest.run(facts, () => answer(c));
  // tRPC leaves the type unset on a request it refuses before reading it: its body is JSON all the same.
  if (res.headers.get("content-type")?.startsWith("text/plain")) res.headers.set("content-type", "application/json");
  return res;
}

function answer(c: Context<AppEnv>): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: c.req.raw,
    router: appRouter,
    createContext: ({ info }) => {
      const refusal = batchRefusal(info);
      return refusal ? { ...requestFacts(c), refusal } : requestFacts(c);
    },
    // A throttled call (AUTH_LOCKED, RATE_LIMITED) or an outage (503) says when to retry, as over REST.
    responseMeta: ({ errors }) => {
      const lang = c.get("lang") ?? "fr";
      const waits = errors.flatMap((e) => toAppError(e.cause ?? e, lang).retryAfterSeconds ?? []);
      return waits.length ? { headers: new Headers({ "retry-after": String(Math.max(...waits)) }) } : {};
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") c.get("log").error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });
}
