/** What every email transport accepts and returns, whichever one the configuration picks. */
import type { Language } from "@sira/contracts";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Dotted template name, e.g. "auth.recovery". */
  template: string;
  language: Language;
  userId?: string | null;
  /**
   * Values in the body that grant access (e.g. a recovery link). The SMTP transport stores its
   * copy of the body with them redacted, so the database never holds a usable link.
   */
  secrets?: readonly string[];
}

export interface SentEmail {
  /** The email_outbox row that records this message. */
  id: string;
  transport: "smtp" | "outbox";
  /** The Message-ID the SMTP transport gave the message; null for the outbox. */
  providerMessageId: string | null;
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<SentEmail>;
}

/** The part of an address after "@": all that logs may say about a recipient. */
export function recipientDomain(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** `text` with every email address in it reduced to its domain (e.g. a server's reply quoting it). */
export function redactEmailAddresses(text: string): string {
  return text.replace(
    /[^\s<>()[\]"',;:@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi,
    (_, domain: string) => `[redacted]@${domain}`,
  );
}

/** The email_outbox columns that say what a message is and to whom it goes (bodies excluded). */
export function outboxColumns(message: OutgoingEmail) {
  return {
    toAddress: message.to,
    userId: message.userId ?? null,
    template: message.template,
    language: message.language,
    subject: message.subject,
  };
}
