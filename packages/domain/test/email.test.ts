import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { type Logger, pino } from "pino";
import { SMTPServer, type SMTPServerError } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMailer,
  EmailDeliveryError,
  escapeHtml,
  latestOutboxMessage,
  type OutgoingEmail,
  outboxMailer,
  renderAccountExistsEmail,
  renderRecoveryEmail,
  smtpMailer,
} from "../src/email/index.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });

const FROM = "Sira <no-reply@sira.test>";
const TOKEN = "tok_3f9c1a7e5b2d4c6f8a0e";
const LINK = `https://app.sira.test/recover?token=${TOKEN}&lang=fr`;
const NAME = `Awa <b>Diallo</b> & "co"`;

/** A real SMTP server on a free local port; it refuses any recipient at refused.example. */
interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  mail: ParsedMail;
}
const received: Received[] = [];
const logins: { username: string | undefined; password: string | null | undefined }[] = [];
const server = new SMTPServer({
  secure: false,
  disabledCommands: ["STARTTLS"],
  authOptional: true,
  allowInsecureAuth: true,
  disableReverseLookup: true,
  logger: false,
  onAuth(auth, _session, callback) {
    logins.push({ username: auth.username, password: auth.password });
    callback(null, { user: auth.username });
  },
  onRcptTo(address, _session, callback) {
    if (!address.address.endsWith("@refused.example")) return callback();
    // As Postfix does, the reply echoes the refused address.
    const err: SMTPServerError = new Error(`5.1.1 <${address.address}>: Recipient address rejected`);
    err.responseCode = 550;
    callback(err);
  },
  onData(stream, session, callback) {
    simpleParser(stream).then((mail) => {
      const envelope = session.envelope;
      received.push({
        envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : "",
        envelopeTo: envelope.rcptTo.map((r) => r.address),
        mail,
      });
      callback();
    }, callback);
  },
});
let smtpUrl = "";

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  smtpUrl = `smtp://sira:s3cret@127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  received.length = 0;
  logins.length = 0;
  await truncateAll(process.env.DATABASE_URL as string);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
  await db.$disconnect();
});

/** A pino logger that writes into `lines`, one JSON line each. */
function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

async function user(email: string, language: "fr" | "en" = "fr"): Promise<string> {
  const row = await db.user.create({
    data: { email, name: "Awa", preferredLanguage: language, country: "SN", professionalRole: "nurse" },
  });
  return row.id;
}

function recoveryMessage(to: string, language: "fr" | "en", userId?: string): OutgoingEmail {
  const rendered = renderRecoveryEmail({ name: NAME, link: LINK, language, expiresInMinutes: 15 });
  // The rendered email carries its own secrets (the link), as a caller spreading it would send them.
  return { to, template: "auth.recovery", language, userId, ...rendered };
}

const firstAddress = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field[0] : field)?.value[0];

describe("the SMTP mailer", () => {
  it("delivers a multipart text + HTML message and records it as sent with the Message-ID", async () => {
    const userId = await user("awa@example.org");
    const { logger } = memoryLogger();
    const mailer = smtpMailer({ url: smtpUrl, from: FROM, db, logger });

    const sent = await mailer.send(recoveryMessage("awa@example.org", "fr", userId));

    expect(received).toHaveLength(1);
    const { mail, envelopeFrom, envelopeTo } = received[0] as Received;
    expect(logins).toEqual([{ username: "sira", password: "s3cret" }]);
    expect(envelopeFrom).toBe("no-reply@sira.test");
    expect(envelopeTo).toEqual(["awa@example.org"]);
    expect(firstAddress(mail.from)).toEqual({ address: "no-reply@sira.test", name: "Sira" });
    expect(firstAddress(mail.to)?.address).toBe("awa@example.org");
    expect(mail.subject).toBe("Récupérer l'accès à votre compte Sira");
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
    expect(mail.text).toContain(LINK);
    expect(mail.text).toContain(NAME);
    const html = String(mail.html);
    expect(html).toContain(`href="${escapeHtml(LINK)}"`);
    expect(html).toContain(`token=${TOKEN}&amp;lang=fr`);
    expect(html).toContain("Awa &lt;b&gt;Diallo&lt;/b&gt; &amp; &quot;co&quot;");
    expect(html).not.toContain("<b>Diallo");

    const row = await db.emailOutbox.findUniqueOrThrow({ where: { id: sent.id } });
    expect(mail.messageId).toMatch(/^<.+@.+>$/);
    expect(sent).toEqual({ id: row.id, transport: "smtp", providerMessageId: mail.messageId });
    expect(row).toMatchObject({
      status: "sent",
      transport: "smtp",
      providerMessageId: mail.messageId,
      toAddress: "awa@example.org",
      userId,
      template: "auth.recovery",
      language: "fr",
      subject: "Récupérer l'accès à votre compte Sira",
      attempts: 1,
      error: null,
    });
    expect(row.sentAt).toBeInstanceOf(Date);
    // The delivered link is a secret: the record keeps the message without it.
    expect(row.textBody + row.htmlBody).not.toContain(TOKEN);
    expect(row.textBody).toContain("[redacted]");
    expect(row.htmlBody).toContain("[redacted]");
  });

  it("rejects and records the server's error when the recipient is refused", async () => {
    const { logger, lines } = memoryLogger();
    const mailer = smtpMailer({ url: smtpUrl, from: FROM, db, logger });

    const failure = await mailer.send(recoveryMessage("ndeye.fall77@refused.example", "en")).then(
      () => null,
      (err: unknown) => err,
    );
    // As the callers that catch it do.
    logger.warn({ err: failure }, "email not sent");

    expect(failure).toBeInstanceOf(EmailDeliveryError);
    expect(received).toEqual([]);
    const rows = await db.emailOutbox.findMany();
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect((failure as EmailDeliveryError).outboxId).toBe(row?.id);
    expect(row).toMatchObject({ status: "failed", transport: "smtp", providerMessageId: null, sentAt: null });
    expect(row?.error).toContain("550");
    expect(row?.error).toContain("Recipient address rejected");
    expect(row?.error).toContain("[redacted]@refused.example");
    expect(lines.join("")).not.toContain(TOKEN);
    // The address is personal data: no log line names it, only the server's code and the command.
    expect(lines).toHaveLength(2);
    expect(lines.join("")).not.toContain("ndeye.fall77");
    expect(JSON.parse(lines[0] as string)).toMatchObject({ smtp: { response_code: 550, command: "RCPT TO" } });
  });

  it("refuses a URL that is not smtp:// or smtps://", () => {
    const { logger } = memoryLogger();
    expect(() => smtpMailer({ url: "http://127.0.0.1:25", from: FROM, db, logger })).toThrow(/SMTP_URL/);
  });
});

describe("the outbox mailer", () => {
  it("stores the whole message and logs one line without the link, the body or the local part", async () => {
    const userId = await user("awa@example.org");
    const { logger, lines } = memoryLogger();

    const sent = await outboxMailer(db, logger).send(recoveryMessage("awa@example.org", "fr", userId));

    const row = await db.emailOutbox.findUniqueOrThrow({ where: { id: sent.id } });
    expect(sent).toEqual({ id: row.id, transport: "outbox", providerMessageId: null });
    expect(row).toMatchObject({ status: "sent", transport: "outbox", userId, template: "auth.recovery" });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(row.textBody).toContain(LINK); // the outbox is where a developer reads the link
    expect(row.htmlBody).toContain(escapeHtml(LINK));

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 30,
      outboxId: row.id,
      template: "auth.recovery",
      to: "example.org",
    });
    for (const secretOrPii of [TOKEN, "awa@", "Diallo", row.subject]) expect(lines[0]).not.toContain(secretOrPii);
  });

  it("finds the newest message to an address, and keeps the record when the user is erased", async () => {
    const userId = await user("awa@example.org");
    const { logger } = memoryLogger();
    const mailer = outboxMailer(db, logger);
    await mailer.send({ ...recoveryMessage("awa@example.org", "fr", userId), subject: "first" });
    const second = await mailer.send({ ...recoveryMessage("awa@example.org", "en", userId), subject: "second" });
    await mailer.send({ ...recoveryMessage("moussa@example.org", "fr"), subject: "other" });

    expect((await latestOutboxMessage(db, "awa@example.org"))?.id).toBe(second.id);
    expect(await latestOutboxMessage(db, "nobody@example.org")).toBeNull();

    await db.user.delete({ where: { id: userId } });
    const rows = await db.emailOutbox.findMany({ where: { toAddress: "awa@example.org" } });
    expect(rows.map((r) => r.userId)).toEqual([null, null]);
  });
});

describe("createMailer", () => {
  it("delivers over SMTP when SMTP_URL is set", async () => {
    const { logger } = memoryLogger();
    const mailer = createMailer({
      config: { SMTP_URL: smtpUrl, EMAIL_FROM: FROM, NODE_ENV: "test" },
      db,
      logger,
    });
    const sent = await mailer.send(recoveryMessage("awa@example.org", "en"));
    expect(sent.transport).toBe("smtp");
    expect(received.map((r) => r.envelopeTo)).toEqual([["awa@example.org"]]);
    expect(received[0]?.mail.subject).toBe("Recover access to your Sira account");
  });

  it("stores in the outbox, sending nothing, when SMTP_URL is not set", async () => {
    const { logger, lines } = memoryLogger();
    const mailer = createMailer({ config: { SMTP_URL: undefined, EMAIL_FROM: FROM, NODE_ENV: "test" }, db, logger });
    const sent = await mailer.send(recoveryMessage("awa@example.org", "en"));
    expect(sent.transport).toBe("outbox");
    expect(received).toEqual([]);
    expect((await latestOutboxMessage(db, "awa@example.org"))?.transport).toBe("outbox");
    expect(lines.filter((l) => JSON.parse(l).level === 40)).toEqual([]);
  });

  it("warns when production runs without SMTP", () => {
    const { logger, lines } = memoryLogger();
    createMailer({ config: { SMTP_URL: undefined, EMAIL_FROM: FROM, NODE_ENV: "production" }, db, logger });
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ level: 40, msg: expect.stringContaining("SMTP_URL") }]);
  });
});

describe("the recovery email", () => {
  const render = (language: "fr" | "en", expiresInMinutes = 15) =>
    renderRecoveryEmail({ name: NAME, link: LINK, language, expiresInMinutes });

  it("is written in the user's language", () => {
    const fr = render("fr");
    const en = render("en");
    expect(fr.subject).toBe("Récupérer l'accès à votre compte Sira");
    expect(en.subject).toBe("Recover access to your Sira account");
    expect(fr.text).toContain("Bonjour");
    expect(fr.text).toContain("15\u00a0minutes");
    expect(fr.text).toContain("votre compte reste inchangé");
    expect(en.text).toContain("Hello");
    expect(en.text).toContain("15\u00a0minutes");
    expect(en.text).toContain("If you did not ask for this, ignore this email; your account is unchanged.");
    expect(fr.html).toContain('<html lang="fr">');
    expect(en.html).toContain('<html lang="en">');
    expect(fr.html).toContain(">Récupérer l&#39;accès</a>");
    expect(en.html).toContain(">Recover access</a>");
    expect(render("en", 1).text).toContain("valid for 1\u00a0minute and");
    expect(render("fr", 1).text).toContain("valable 1\u00a0minute et");
  });

  it("puts the raw link and name in the text part and escaped ones in the HTML", () => {
    const { text, html } = render("en");
    expect(text).toContain(`\n${LINK}\n`);
    expect(text).toContain(`Hello ${NAME},`);
    expect(html).toContain(`<a href="https://app.sira.test/recover?token=${TOKEN}&amp;lang=fr"`);
    expect(html).not.toContain(LINK);
    expect(html).toContain("Hello Awa &lt;b&gt;Diallo&lt;/b&gt; &amp; &quot;co&quot;,");
    expect(html).not.toMatch(/<img|<script|src=/i);
  });

  it("names the link as its secret", () => {
    expect(render("fr").secrets).toEqual([LINK]);
  });

  it("refuses a link that is not http(s) and a non-positive expiry", () => {
    expect(() =>
      renderRecoveryEmail({ name: "A", link: "javascript:alert(1)", language: "fr", expiresInMinutes: 15 }),
    ).toThrow();
    expect(() => renderRecoveryEmail({ name: "A", link: LINK, language: "fr", expiresInMinutes: 0 })).toThrow();
  });
});

describe("the account-exists email", () => {
  const recoveryUrl = "https://app.sira.test/recover?from=register&x=1";

  it("points to recovery in the user's language, with nothing secret in it", () => {
    const fr = renderAccountExistsEmail({ name: NAME, language: "fr", recoveryUrl });
    const en = renderAccountExistsEmail({ name: NAME, language: "en", recoveryUrl });
    expect(fr.subject).toBe("Votre compte Sira existe déjà");
    expect(en.subject).toBe("Your Sira account already exists");
    expect(fr.text).toContain("Vous avez déjà un compte");
    expect(en.text).toContain("You already have one");
    for (const email of [fr, en]) {
      expect(email.text).toContain(`\n${recoveryUrl}\n`);
      expect(email.html).toContain(`href="${escapeHtml(recoveryUrl)}"`);
      expect(email.html).not.toContain("<b>Diallo");
      expect(email.secrets).toEqual([]);
    }
  });
});
