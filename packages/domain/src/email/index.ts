/** Email: SMTP when SMTP_URL is set, otherwise the stored and logged outbox. */
export { createMailer, type MailerDeps } from "./create-mailer.ts";
export * from "./mailer.ts";
export { latestOutboxMessage, outboxMailer } from "./outbox-mailer.ts";
export { EmailDeliveryError, type SmtpMailerOptions, smtpMailer } from "./smtp-mailer.ts";
export * from "./templates.ts";
