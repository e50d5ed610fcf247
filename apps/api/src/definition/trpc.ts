/**
 * tRPC from endpoint definitions: one procedure per definition, on the base procedure of its
 * auth rule, with the merged input (see wire.ts) and the same handler and answer shaping as REST.
 */
import type { Page, Tombstone } from "@sira/contracts";
import type { TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";
import type { z } from "zod";
import { parseSince } from "../http/lists.ts";
import { adminProcedure, authedProcedure, expertProcedure, publicProcedure } from "../trpc/init.ts";
import type { AnyEndpoint, AuthRule, ContextFor, EndpointSpec, Endpoints, HttpMethod, Shape } from "./endpoint.ts";
import { hasSince, outputOf, pageHorizon, shapeAnswer, trpcInputOf } from "./wire.ts";

const BASE = { public: publicProcedure, learner: authedProcedure, expert: expertProcedure, admin: adminProcedure };

type In<T> = T extends z.ZodType ? z.input<T> : unknown;
type PageParams = { page?: number; limit?: number };
type ListInput<S> = S extends "page"
  ? PageParams
  : S extends "sync"
    ? PageParams & { since?: string }
    : S extends "delta"
      ? { since?: string }
      : unknown;
type Keyed<E> = E extends { keyed?: infer K } ? (true extends K ? { idempotency_key?: string } : unknown) : unknown;
type Cleaned<T> = T extends unknown ? ([keyof T] extends [never] ? undefined : T) : never;
// Distributes, so an optional body's `X | undefined` stays an optional input.
type Flat<T> = T extends object ? { [K in keyof T as K extends "fields" ? never : K]: T[K] } : T;
type TrpcInput<E> =
  E extends EndpointSpec<AuthRule, HttpMethod, infer P, infer Q, infer B, z.ZodType, infer S>
    ? Cleaned<Flat<In<P> & In<Q> & In<B> & ListInput<S> & Keyed<E>>>
    : never;

interface Delta<T> {
  items: T[];
  deleted: Tombstone[];
  server_time: string;
  has_more: boolean;
  reset: boolean;
}
type Answer<T, S extends Shape> = S extends "page"
  ? Page<T>
  : S extends "sync"
    ? (Page<T> & { server_time: string }) | Delta<T>
    : S extends "delta"
      ? Delta<T>
      : T;
type TrpcOutput<E> =
  E extends EndpointSpec<AuthRule, HttpMethod, infer _P, infer _Q, infer _B, infer O, infer S>
    ? Answer<z.output<O>, S>
    : never;

type Def<E> = { input: TrpcInput<E>; output: TrpcOutput<E>; meta: object };
export type ProcedureOf<E> = E extends { method: "get" } ? TRPCQueryProcedure<Def<E>> : TRPCMutationProcedure<Def<E>>;
export type ProceduresOf<E extends Endpoints> = {
  [K in keyof E as E[K] extends { trpc: false } ? never : K]: ProcedureOf<E[K]>;
};

function procedureOf(spec: AnyEndpoint) {
  const input = trpcInputOf(spec);
  const base = BASE[spec.auth] as typeof publicProcedure;
  const built = (input ? base.input(input) : base).output(outputOf(spec, "trpc"));
  const resolve = async ({ ctx, input: raw }: { ctx: object; input: unknown }) => {
    const input = (raw ?? {}) as Record<string, unknown>;
    const now = new Date();
    const since = hasSince(spec) ? parseSince(input.since as string | undefined, now) : null;
    const idempotencyKey = spec.keyed ? ((input.idempotency_key as string | undefined) ?? null) : null;
    // The base procedure of the spec's auth rule built the context that rule promises.
    const context = ctx as ContextFor<AuthRule>;
    const horizon = await pageHorizon(spec, since, context.deps.db);
    const value = await spec.handle({ ctx: context, input, since, now, idempotencyKey });
    return shapeAnswer(spec, value, { input, fields: null, now, horizon });
  };
  return spec.method === "get" ? built.query(resolve) : built.mutation(resolve);
}

/** The tRPC procedures of a list of definitions, keyed as the list is. */
export function toProcedures<E extends Endpoints>(endpoints: E): ProceduresOf<E> {
  const procedures: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(endpoints)) {
    if (spec.trpc !== false) procedures[name] = procedureOf(spec);
  }
  return procedures as ProceduresOf<E>;
}
