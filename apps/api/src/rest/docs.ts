/** OpenAPI fragments shared by the REST routes. */
import { z } from "@hono/zod-openapi";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    retry_after: z.number().int().optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** Error answers a route may give, documented once. */
export const problems = {
  400: problem("Invalid input (VALIDATION_FAILED names the fields)"),
  401: problem("Not signed in, or the token is invalid or expired"),
  402: problem("A purchase is needed first (PAYMENT_REQUIRED)"),
  403: problem("Signed in, but not allowed"),
  404: problem("Not found (or not visible to the caller)"),
  409: problem("Conflicting state"),
  410: problem("Gone (e.g. a used or expired link)"),
  429: problem("Too many requests or sign-in attempts; see Retry-After"),
} as const;

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function body<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

export const bearer = [{ bearer: [] }];
