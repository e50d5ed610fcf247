/** The merchant's relay phone as the money tests play it: one received SMS, posted and signed. */
import { signRelayBody } from "@sira/domain";
import type { App } from "../../src/app.ts";

export function relaySms(
  app: App,
  secret: string,
  sms: { device: string; messageId: string; body: string; sender?: string },
): Response | Promise<Response> {
  const raw = JSON.stringify({
    message_id: sms.messageId,
    sender: sms.sender ?? "OrangeMoney",
    body: sms.body,
    received_at: new Date().toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return app.request("/api/v1/sms-relay/inbound", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-relay-device": sms.device,
      "x-relay-timestamp": timestamp,
      "x-relay-signature": signRelayBody(secret, timestamp, raw),
    },
    body: raw,
  });
}
