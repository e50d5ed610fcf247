/**
 * Real delivery over SMTP (nodemailer), multipart text + HTML. Each send is recorded in
 * email_outbox: queued before the attempt, then sent (with the Message-ID) or failed (with the
 * server's error), so a failed or interrupted send is never silently lost.
 */
import { clipText } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Logger } from "@sira/infra/logger";
import { createTransport } from "nodemailer";
import {
  type Mailer,
  type OutgoingEmail,
  outboxColumns,
  recipientDomain,
  redactEmailAddresses,
  type SentEmail,
} from "./mailer.ts";
import { escapeHtml } from "./templates.ts";

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// URL, with credentials if the server needs them. */
  url: string;
  /** The From header, e.g. "Sira <no-reply@sira.example>". */
  from: string;
  db: Db;
  logger: Logger;
}

/**
 * Thrown when the SMTP server refuses or cannot be reached; the outbox row says failed. It keeps
 * no cause: the transport's error quotes the recipient, and loggers print a cause in full.
 */
export class EmailDeliveryError extends Error {
  override name = "EmailDeliveryError";
  readonly smtp: SmtpFailure;
  constructor(
    readonly outboxId: string,
    cause: unknown,
  ) {
    super(`email delivery failed: ${errorText(cause)}`);
    this.smtp = smtpFailure(cause);
  }
}

const MAX_ERROR_CHARS = 1_000;

/** The error's text without any email address (servers' replies quote the recipient). */
function errorText(err: unknown): string {
  return clipText(redactEmailAddresses(err instanceof Error ? err.message : String(err)), MAX_ERROR_CHARS);
}

/** What logs may say of a failed send: nodemailer's error code, the server's reply code and the command. */
interface SmtpFailure {
  error_code?: string;
  response_code?: number;
  command?: string;
}

function smtpFailure(err: unknown): SmtpFailure {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  return {
    ...(typeof e.code === "string" ? { error_code: e.code } : {}),
    ...(typeof e.responseCode === "number" ? { response_code: e.responseCode } : {}),
    ...(typeof e.command === "string" ? { command: e.command } : {}),
  };
}

function redact(body: string, secrets: readonly string[]): string {
  let out = body;
  for (const secret of secrets) {
    if (secret) out = out.replaceAll(secret, "[redacted]").replaceAll(escapeHtml(secret), "[redacted]");
  }
  return out;
}

/** A mailer that delivers through the SMTP server at `url` and records each attempt. */
export function smtpMailer(options: SmtpMailerOptions): Mailer {
  if (!/^smtps?:\/\//.test(options.url)) throw new Error("SMTP_URL must be an smtp:// or smtps:// URL");
  // Short timeouts: a recovery request should not hang for nodemailer's default two minutes.
  const transport = createTransport({
    url: options.url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const { db, logger } = options;

  return {
    async send(message: OutgoingEmail): Promise<SentEmail> {
      const secrets = message.secrets ?? [];
      const row = await db.emailOutbox.create({
        data: {
          ...outboxColumns(message),
          textBody: redact(message.text, secrets),
          htmlBody: redact(message.html, secrets),
          transport: "smtp",
          status: "queued",
          attempts: 1,
        },
        select: { id: true },
      });
      const log = { outboxId: row.id, template: message.template, to: recipientDomain(message.to) };

      let messageId: string;
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
        messageId = info.messageId;
      } catch (err) {
        logger.warn({ ...log, smtp: smtpFailure(err) }, "email delivery failed");
        await db.emailOutbox.update({ where: { id: row.id }, data: { status: "failed", error: errorText(err) } });
        throw new EmailDeliveryError(row.id, err);
      }
      await db.emailOutbox.update({
        where: { id: row.id },
        data: { status: "sent", providerMessageId: messageId, sentAt: new Date() },
      });
      logger.info(log, "email sent");
      return { id: row.id, transport: "smtp", providerMessageId: messageId };
    },
  };
}
