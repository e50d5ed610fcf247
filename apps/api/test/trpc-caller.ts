/**
 * The one tRPC caller of the API tests: the real app router called without HTTP, with the request
 * facts the tRPC handler would give it. Tests name only what matters to them (the actor, the
 * language, a request id an audit row is checked against); the rest has fixed test values.
 */
import type { Language } from "@sira/contracts";
import { authKeys, verifyAccessToken } from "@sira/domain";
import type { Actor, AppDeps } from "../src/app-types.ts";
import { createCallerFactory, type TrpcContext } from "../src/trpc/init.ts";
import { appRouter } from "../src/trpc/router.ts";
import type { SignedIn } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/** The app router's procedures, callable as functions. */
export type TestCaller = ReturnType<typeof createCaller>;

export interface TestCallerOptions {
  lang?: Language;
  requestId?: string;
  clientIp?: string;
  userAgent?: string | null;
  /** Defaults to when the caller is built, as a request's arrival time. */
  occurredAt?: Date;
  offlineQueuedAt?: Date | null;
}

/** The request facts of one test call, as tRPC's createContext builds them. */
export function testContext(deps: AppDeps, actor: Actor | null, options: TestCallerOptions = {}): TrpcContext {
  return {
    deps,
    actor,
    lang: options.lang ?? "fr",
    requestId: options.requestId ?? "trpc-test-0001",
    clientIp: options.clientIp ?? "127.0.0.1",
    userAgent: options.userAgent === undefined ? "vitest" : options.userAgent,
    occurredAt: options.occurredAt ?? new Date(),
    ...(options.offlineQueuedAt === undefined ? {} : { offlineQueuedAt: options.offlineQueuedAt }),
  };
}

/** A caller of the app router for `actor` (null: anonymous). */
export function makeTestCaller(deps: AppDeps, actor: Actor | null, options: TestCallerOptions = {}): TestCaller {
  return createCaller(testContext(deps, actor, options));
}

/** The actor a signed-in user's access token carries, as the bearer middleware verifies it. */
export async function actorOf(deps: AppDeps, user: SignedIn | null): Promise<Actor | null> {
  return user ? await verifyAccessToken(authKeys(deps.config), user.accessToken) : null;
}

/** A caller for a signed-in user (null: anonymous), from their access token. */
export async function callerAs(
  deps: AppDeps,
  user: SignedIn | null,
  options: TestCallerOptions = {},
): Promise<TestCaller> {
  return makeTestCaller(deps, await actorOf(deps, user), options);
}
