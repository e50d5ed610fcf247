/**
 * Mail read from the outbox transport (the offline default, which keeps each message as sent), for
 * tests that have no SMTP server. Auth emails leave off the response path, so reads wait for them.
 */
import type { Db } from "@sira/infra/db";
import { until } from "./workers.ts";

/** The newest message of `template` to `to`, waiting up to ~5 s for it to be written. */
export async function outboxMessage(db: Db, to: string, template: string) {
  const read = () =>
    db.emailOutbox.findFirst({ where: { toAddress: to.toLowerCase(), template }, orderBy: { createdAt: "desc" } });
  const message = await until(read, (m) => m !== null, 100);
  if (!message) throw new Error(`no ${template} email reached ${to}`);
  return message;
}

/** The eight-digit code in an email-code message's text ("1234 5678"), digits only. */
export function emailCodeIn(text: string | undefined | null): string {
  const match = /\b(\d{4}) (\d{4})\b/.exec(text ?? "");
  if (!match) throw new Error("the email holds no code");
  return `${match[1]}${match[2]}`;
}

/** The confirmation code registration emailed to `to`. */
export async function emailCodeFor(db: Db, to: string): Promise<string> {
  return emailCodeIn((await outboxMessage(db, to, "auth.email_code")).textBody);
}
