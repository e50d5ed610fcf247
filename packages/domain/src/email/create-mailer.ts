/** Picks the email transport from the configuration. */
import type { Config } from "@sira/infra/config";
import type { Db } from "@sira/infra/db";
import type { Logger } from "@sira/infra/logger";
import type { Mailer } from "./mailer.ts";
import { outboxMailer } from "./outbox-mailer.ts";
import { smtpMailer } from "./smtp-mailer.ts";

export interface MailerDeps {
  config: Pick<Config, "SMTP_URL" | "EMAIL_FROM" | "NODE_ENV">;
  db: Db;
  logger: Logger;
}

/** The configured mailer: SMTP when SMTP_URL is set, otherwise the outbox. */
export function createMailer({ config, db, logger }: MailerDeps): Mailer {
  if (config.SMTP_URL) return smtpMailer({ url: config.SMTP_URL, from: config.EMAIL_FROM, db, logger });
  // Outbox rows hold live recovery links: fine offline, a misconfiguration in production.
  if (config.NODE_ENV === "production") logger.warn("SMTP_URL is not set: emails are only stored in the outbox");
  return outboxMailer(db, logger);
}
