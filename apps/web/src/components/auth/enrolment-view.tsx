"use client";
/** The new authenticator: its QR code, the secret to copy, and the backup codes shown this once. */
import { useState } from "react";
import type { Labels } from "@/lib/labels";
import { buttonSecondary } from "@/lib/styles";

export interface Enrolment {
  totp: { secret: string; otpauth_uri: string; qr_svg: string };
  backup_codes: string[];
}

export function EnrolmentView({ enrolment, labels }: { enrolment: Enrolment; labels: Labels }) {
  const [copied, setCopied] = useState(false);
  const secret = enrolment.totp.secret;
  return (
    <section className="space-y-4" aria-labelledby="totp-title">
      <h2 id="totp-title" className="text-xl font-semibold">
        {labels.totpTitle}
      </h2>
      <p>{labels.totpHelp}</p>
      <div
        className="mx-auto w-56 max-w-full bg-white p-2"
        role="img"
        aria-label={labels.qrAlt}
        // The API draws the QR code as SVG from the otpauth URI; no markup from users is in it.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: SVG made by the API, not by users
        dangerouslySetInnerHTML={{ __html: enrolment.totp.qr_svg }}
      />
      <div>
        <p className="font-medium">{labels.secretLabel}</p>
        <p
          className="my-1 break-all rounded bg-slate-100 p-2 font-mono text-lg tracking-wider"
          data-testid="totp-secret"
        >
          {secret}
        </p>
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
        >
          {copied ? labels.copied : labels.copySecret}
        </button>
        <p className="mt-2">
          <a href={enrolment.totp.otpauth_uri} className="inline-flex min-h-11 items-center text-brand underline">
            {labels.openAuthenticator}
          </a>
        </p>
      </div>
      <div className="rounded-lg border border-amber-300 bg-amber-50 p-3">
        <h3 className="font-semibold">{labels.backupTitle}</h3>
        <p className="text-sm">{labels.backupHelp}</p>
        <ul className="mt-2 grid grid-cols-2 gap-1 font-mono" data-testid="backup-codes">
          {enrolment.backup_codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}
