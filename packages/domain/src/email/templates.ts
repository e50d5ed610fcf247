/** Transactional email bodies in the recipient's language: a plain-text part and a small HTML part. */
import type { Language } from "@sira/contracts";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** Values in the body that grant access; spread into `Mailer.send` so SMTP records redact them. */
  secrets: string[];
}

export interface RecoveryEmailInput {
  name: string;
  link: string;
  language: Language;
  expiresInMinutes: number;
}

export interface AccountExistsEmailInput {
  name: string;
  language: Language;
  /** Where the user starts a recovery (not a secret). */
  recoveryUrl: string;
}

export interface EmailCodeEmailInput {
  name: string;
  language: Language;
  /** Eight digits; shown as two groups of four. */
  code: string;
  expiresInMinutes: number;
  /** Where the sign-up continues (not a secret). */
  appUrl: string;
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const NBSP = "\u00a0"; // French puts a non-breaking space before ":"

const common = {
  fr: {
    greeting: (name: string) => `Bonjour ${name},`,
    fallback: `Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur${NBSP}:`,
    ignore: `Si vous n'êtes pas à l'origine de cette demande, ignorez ce message${NBSP}: votre compte reste inchangé.`,
    signature: "L'équipe Sira",
  },
  en: {
    greeting: (name: string) => `Hello ${name},`,
    fallback: "If the button does not work, copy this link into your browser:",
    ignore: "If you did not ask for this, ignore this email; your account is unchanged.",
    signature: "The Sira team",
  },
} as const;

const minutes = (n: number) => `${n}${NBSP}minute${n === 1 ? "" : "s"}`;

const recovery = {
  fr: {
    subject: "Récupérer l'accès à votre compte Sira",
    intro: `Vous avez demandé à récupérer l'accès à votre compte Sira. Ouvrez ce lien pour configurer à nouveau votre application d'authentification${NBSP}:`,
    button: "Récupérer l'accès",
    expiry: (n: number) => `Ce lien est valable ${minutes(n)} et ne fonctionne qu'une seule fois.`,
  },
  en: {
    subject: "Recover access to your Sira account",
    intro: "You asked to recover access to your Sira account. Open this link to set up your authenticator app again:",
    button: "Recover access",
    expiry: (n: number) => `This link is valid for ${minutes(n)} and works only once.`,
  },
} as const;

const accountExists = {
  fr: {
    subject: "Votre compte Sira existe déjà",
    intro: `Quelqu'un, peut-être vous, a essayé de créer un compte Sira avec cette adresse e-mail. Vous avez déjà un compte${NBSP}: inutile d'en créer un autre. Si vous ne pouvez plus vous connecter, récupérez l'accès ici${NBSP}:`,
    button: "Récupérer l'accès",
  },
  en: {
    subject: "Your Sira account already exists",
    intro:
      "Someone, perhaps you, tried to create a Sira account with this email address. You already have one, so there is no need for another. If you can no longer sign in, recover access here:",
    button: "Recover access",
  },
} as const;

const emailCode = {
  fr: {
    subject: "Votre code de confirmation Sira",
    intro: `Pour confirmer que cette adresse e-mail est la vôtre, saisissez ce code dans Sira avec le premier code de votre application d'authentification${NBSP}:`,
    button: "Ouvrir Sira",
    expiry: (n: number) => `Ce code est valable ${minutes(n)}. Ne le communiquez à personne.`,
  },
  en: {
    subject: "Your Sira confirmation code",
    intro:
      "To confirm that this email address is yours, enter this code in Sira together with the first code from your authenticator app:",
    button: "Open Sira",
    expiry: (n: number) => `This code is valid for ${minutes(n)}. Do not share it with anyone.`,
  },
} as const;

/** A template's own texts, in the recipient's language. */
interface TemplateTexts {
  subject: string;
  intro: string;
  button: string;
}

interface EmailParts {
  language: Language;
  name: string;
  link: string;
  after: string[];
}

/** One layout for every email: greeting, intro, button (and the link written out), notes, signature. */
function render(texts: TemplateTexts, parts: EmailParts): Omit<RenderedEmail, "secrets"> {
  // Only web links may become a button: a javascript: or data: URL must never reach an href.
  if (!/^https?:\/\//i.test(parts.link)) throw new Error("email links must be http(s) URLs");
  const t = common[parts.language];
  const text = [t.greeting(parts.name), texts.intro, parts.link, ...parts.after, t.ignore, `— ${t.signature}`].join(
    "\n\n",
  );

  const link = escapeHtml(parts.link);
  const p = (content: string) => `<p style="margin:0 0 16px">${escapeHtml(content)}</p>`;
  const html = `<!doctype html>
<html lang="${parts.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(texts.subject)}</title></head>
<body style="margin:0;padding:16px;background:#f5f5f4;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1c1917">
<div style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">
${p(t.greeting(parts.name))}
${p(texts.intro)}
<p style="margin:0 0 24px;text-align:center"><a href="${link}" style="display:inline-block;padding:12px 24px;background:#0f766e;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px">${escapeHtml(texts.button)}</a></p>
${parts.after.map(p).join("\n")}
<p style="margin:0 0 16px;font-size:14px;color:#57534e">${escapeHtml(t.fallback)}<br><a href="${link}" style="color:#0f766e;word-break:break-all">${link}</a></p>
${p(t.ignore)}
<p style="margin:0">— ${escapeHtml(t.signature)}</p>
</div>
</body>
</html>
`;
  return { subject: texts.subject, text, html };
}

function assertExpiry(expiresInMinutes: number): void {
  if (!Number.isInteger(expiresInMinutes) || expiresInMinutes < 1) {
    throw new Error("expiresInMinutes must be a positive integer");
  }
}

/** The magic-link recovery email, in the user's language; the link is its secret. */
export function renderRecoveryEmail(input: RecoveryEmailInput): RenderedEmail {
  assertExpiry(input.expiresInMinutes);
  const t = recovery[input.language];
  const after = [t.expiry(input.expiresInMinutes)];
  const email = render(t, { language: input.language, name: input.name, link: input.link, after });
  return { ...email, secrets: [input.link] };
}

/** Tells the owner of an address that someone tried to register it again (no enumeration). */
export function renderAccountExistsEmail(input: AccountExistsEmailInput): RenderedEmail {
  const t = accountExists[input.language];
  const email = render(t, { language: input.language, name: input.name, link: input.recoveryUrl, after: [] });
  return { ...email, secrets: [] };
}

/** The code that proves the address at registration (decision 0032); the code is its secret. */
export function renderEmailCodeEmail(input: EmailCodeEmailInput): RenderedEmail {
  if (!/^\d{8}$/.test(input.code)) throw new Error("an email code has eight digits");
  assertExpiry(input.expiresInMinutes);
  const t = emailCode[input.language];
  const shown = `${input.code.slice(0, 4)} ${input.code.slice(4)}`;
  const after = [shown, t.expiry(input.expiresInMinutes)];
  const email = render(t, { language: input.language, name: input.name, link: input.appUrl, after });
  return { ...email, secrets: [shown] };
}
