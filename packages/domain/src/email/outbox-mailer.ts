/**
 * The offline default: a message is stored in email_outbox (where a developer or a test reads it)
 * and one log line says so. The line names the template and the recipient's domain only, since
 * bodies carry secrets such as recovery links.
 */
import type { Db } from "@sira/infra/db";
import type { Logger } from "@sira/infra/logger";
import { type Mailer, type OutgoingEmail, outboxColumns, recipientDomain, type SentEmail } from "./mailer.ts";

/** A mailer that stores every message in email_outbox instead of delivering it. */
export function outboxMailer(db: Db, logger: Logger): Mailer {
  return {
    async send(message: OutgoingEmail): Promise<SentEmail> {
      const row = await db.emailOutbox.create({
        data: {
          ...outboxColumns(message),
          textBody: message.text,
          htmlBody: message.html,
          transport: "outbox",
          status: "sent",
          sentAt: new Date(),
        },
        select: { id: true },
      });
      logger.info(
        { outboxId: row.id, template: message.template, language: message.language, to: recipientDomain(message.to) },
        "email stored in the outbox",
      );
      return { id: row.id, transport: "outbox", providerMessageId: null };
    },
  };
}

/** The newest email_outbox row sent to `to`, for development and tests. */
export function latestOutboxMessage(db: Db, to: string) {
  return db.emailOutbox.findFirst({ where: { toAddress: to }, orderBy: { createdAt: "desc" } });
}
