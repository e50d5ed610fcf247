/**
 * REST: POST /api/v1/sms-relay/inbound, where the merchant phone's forwarding app posts every SMS
 * it receives. Hand-written: the HMAC is over the raw body, checked before the body is read as
 * JSON. Fails closed: 503 while no secret is configured. Any failure to store the message is a
 * 503 too, so the phone keeps the SMS and sends it again (a resend is deduplicated).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, smsRelayInboundInput, smsRelayInboundResult } from "@sira/contracts";
import {
  RELAY_DEVICE_HEADER,
  RELAY_SIGNATURE_HEADER,
  RELAY_TIMESTAMP_HEADER,
  receiveRelayMessage,
  verifyRelaySignature,
} from "@sira/domain";
import type { AppEnv } from "../app-types.ts";
import { json, problemResponses } from "../definition/problems.ts";
import { fieldErrorsFromZod } from "../http/problem.ts";

export const SMS_RELAY_INBOUND_PATH = "/api/v1/sms-relay/inbound";

/** How long the phone should wait before sending again while the database is away. */
const RETRY_AFTER_SECONDS = 30;

const inbound = createRoute({
  method: "post",
  path: SMS_RELAY_INBOUND_PATH,
  tags: ["sms-relay"],
  summary:
    "The relay phone forwards one SMS. Signed: X-Relay-Device (the phone), X-Relay-Timestamp (unix seconds, " +
    "within 5 minutes) and X-Relay-Signature (hex HMAC-SHA256 under the relay secret of the timestamp, a dot and the raw body). " +
    "Every message is stored once per device message id; an operator's payment confirmation is read and matched " +
    "to the learner's payment intent. Answers {id, status, duplicate}; 503 (Retry-After) means send it again later",
  request: {
    headers: z.object({
      [RELAY_DEVICE_HEADER]: z.string().describe("The relay phone's id"),
      [RELAY_TIMESTAMP_HEADER]: z.string().describe("Unix seconds when the request was signed"),
      [RELAY_SIGNATURE_HEADER]: z.string().describe("Hex HMAC-SHA256 of the timestamp, a dot and the raw body"),
    }),
    body: { required: true, content: { "application/json": { schema: smsRelayInboundInput } } },
  },
  responses: {
    200: json(smsRelayInboundResult, "Stored (or stored already: duplicate true), with what became of it"),
    ...problemResponses({
      method: "post",
      auth: "public",
      input: true,
      body: true,
      errors: [
        "SMS_RELAY_SIGNATURE_INVALID",
        "SMS_RELAY_TIMESTAMP_INVALID",
        "SMS_RELAY_NOT_CONFIGURED",
        "SERVICE_UNAVAILABLE",
      ],
    }),
  },
});

function parseBody(raw: string, lang: "fr" | "en") {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new AppError("MALFORMED_JSON", { cause: error });
  }
  const parsed = smsRelayInboundInput.safeParse(value);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsFromZod(parsed.error, lang) });
  return parsed.data;
}

export function mountSmsRelayRoutes(app: OpenAPIHono<AppEnv>): void {
  // Documented through the registry but handled by hand: the signature is over the raw body.
  app.openAPIRegistry.registerPath(inbound);
  app.post(SMS_RELAY_INBOUND_PATH, async (c) => {
    const deps = c.get("deps");
    const secret = deps.config.SMS_RELAY_HMAC_SECRET;
    if (!secret) throw new AppError("SMS_RELAY_NOT_CONFIGURED");
    const raw = await c.req.text();
    const now = new Date();
    const deviceId = verifyRelaySignature(
      secret,
      {
        device: c.req.header(RELAY_DEVICE_HEADER),
        timestamp: c.req.header(RELAY_TIMESTAMP_HEADER),
        signature: c.req.header(RELAY_SIGNATURE_HEADER),
      },
      raw,
      now,
    );
    const input = parseBody(raw, c.get("lang"));
    try {
      return c.json(
        await receiveRelayMessage({ ...deps, logger: c.get("log") ?? deps.logger }, deviceId, input, now),
        200,
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      c.get("log")?.error({ err: error, device_id: deviceId }, "relayed SMS not stored: the phone will send it again");
      throw new AppError("SERVICE_UNAVAILABLE", { retryAfterSeconds: RETRY_AFTER_SECONDS, cause: error });
    }
  });
}
