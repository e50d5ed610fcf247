/** A real SMTP server on a free local port, collecting what it receives, parsed. */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Inbox {
  url: string;
  messages: ParsedMail[];
  /** Resolves with the next message to arrive for `to` (or one already here). */
  next(to: string): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const messages: ParsedMail[] = [];
  const waiters: { to: string; resolve: (m: ParsedMail) => void }[] = [];
  const seen = new Set<ParsedMail>();
  const recipientOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text) ?? "";
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          const waiter = waiters.findIndex((w) => recipientOf(mail).includes(w.to));
          if (waiter >= 0) {
            seen.add(mail);
            waiters.splice(waiter, 1)[0]?.resolve(mail);
          }
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    next: (to) => {
      const already = messages.find((m) => !seen.has(m) && recipientOf(m).includes(to));
      if (already) {
        seen.add(already);
        return Promise.resolve(already);
      }
      return new Promise((resolve) => waiters.push({ to, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
