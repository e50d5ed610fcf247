/**
 * Activation codes without a database: what a typed code must look like, how the stored hash and
 * throttle keys hide the code, the learner and the address, the batch input each kind accepts, and
 * the CSV an admin prints.
 */
import { activationCodeBatchInput, type GeneratedActivationCodes } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, generateCheckedCode, groupCode, hasValidCheck } from "../../../src/money/check-code.ts";
import { activationCodesCsv } from "../../../src/money/codes/csv.ts";
import { ACTIVATION_CODE_LENGTH, activationCodeHash } from "../../../src/money/codes/generate.ts";
import { parseActivationCode, redemptionScopes } from "../../../src/money/codes/redeem.ts";

const PEPPER = Buffer.from("a-pepper-for-tests-only-0123456789");

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return null;
};

describe("a typed code", () => {
  it("is accepted whatever its case, spaces and dashes", () => {
    const code = generateCheckedCode(ACTIVATION_CODE_LENGTH);
    expect(parseActivationCode(groupCode(code).toLowerCase())).toBe(code);
    expect(parseActivationCode(` ${code.slice(0, 6)} ${code.slice(6)} `)).toBe(code);
  });

  it("is refused as ACTIVATION_CODE_INVALID for one wrong character, a swap, a wrong length or a foreign character", () => {
    const code = generateCheckedCode(ACTIVATION_CODE_LENGTH);
    for (let i = 0; i < code.length; i++) {
      const other = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[i] as string) + 7) % CODE_ALPHABET.length];
      const wrong = code.slice(0, i) + other + code.slice(i + 1);
      expect(refusal(() => parseActivationCode(wrong))).toBe("ACTIVATION_CODE_INVALID");
    }
    const [c0, c1, c2] = [...code];
    const swapped = c1 === c2 ? null : `${c0}${c2}${c1}${code.slice(3)}`;
    if (swapped) expect(refusal(() => parseActivationCode(swapped))).toBe("ACTIVATION_CODE_INVALID");
    const short = generateCheckedCode(8);
    expect(hasValidCheck(short)).toBe(true);
    expect(refusal(() => parseActivationCode(short))).toBe("ACTIVATION_CODE_INVALID");
    expect(refusal(() => parseActivationCode(`${code.slice(0, 11)}O`))).toBe("ACTIVATION_CODE_INVALID");
  });
});

describe("what is stored", () => {
  it("keys the code hash with the pepper and keeps the code out of it", () => {
    const code = generateCheckedCode(ACTIVATION_CODE_LENGTH);
    const hash = activationCodeHash(PEPPER, code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(activationCodeHash(PEPPER, code)).toBe(hash);
    expect(activationCodeHash(Buffer.from("another-pepper-0123456789abcdefgh"), code)).not.toBe(hash);
  });

  it("keys throttle scopes by account and by account on a network, never in clear", () => {
    const user = crypto.randomUUID();
    const a = redemptionScopes(PEPPER, user, "2001:db8:1:2:aaaa::1");
    const b = redemptionScopes(PEPPER, crypto.randomUUID(), "2001:db8:1:2:bbbb::9");
    // Two addresses of one IPv6 /64 are one network for the learner; another learner there has their own.
    expect(redemptionScopes(PEPPER, user, "2001:db8:1:2:bbbb::9").accountAddress).toBe(a.accountAddress);
    expect(a.accountAddress).not.toBe(b.accountAddress);
    expect(a.account).not.toBe(b.account);
    expect(JSON.stringify(a)).not.toContain(user);
    expect(JSON.stringify(a)).not.toContain("2001:db8");
    expect(redemptionScopes(PEPPER, user, "102.1.1.1").accountAddress).not.toBe(a.accountAddress);
  });
});

describe("a batch's input", () => {
  const base = { count: 10, label: "Partenaire" };
  it("needs the target of its kind and nothing of another kind", () => {
    expect(activationCodeBatchInput.safeParse({ ...base, kind: "credits", credits: 100 }).data).toMatchObject({
      max_redemptions: 1,
    });
    expect(activationCodeBatchInput.safeParse({ ...base, kind: "credits" }).success).toBe(false);
    expect(
      activationCodeBatchInput.safeParse({ ...base, kind: "course", course_id: crypto.randomUUID() }).success,
    ).toBe(true);
    expect(
      activationCodeBatchInput.safeParse({ ...base, kind: "course", course_id: crypto.randomUUID(), credits: 5 })
        .success,
    ).toBe(false);
    expect(
      activationCodeBatchInput.safeParse({ ...base, kind: "credits", credits: 5, duration_days: 30 }).success,
    ).toBe(false);
    expect(
      activationCodeBatchInput.safeParse({ ...base, kind: "subscription", plan: "mensuel", duration_days: 7 }).success,
    ).toBe(true);
    expect(activationCodeBatchInput.safeParse({ ...base, kind: "credits", credits: 5, count: 0 }).success).toBe(false);
    expect(activationCodeBatchInput.safeParse({ ...base, kind: "credits", credits: 5, count: 5001 }).success).toBe(
      false,
    );
  });
});

describe("the printed CSV", () => {
  const batch = (label: string, codes: string[]): GeneratedActivationCodes => ({
    batch_id: crypto.randomUUID(),
    label,
    kind: "credits",
    credits: 250,
    plan: null,
    duration_days: null,
    daily_message_limit: null,
    course_id: null,
    curriculum_id: null,
    count: codes.length,
    max_redemptions: 1,
    redeemed: 0,
    codes_used: 0,
    expires_at: "2027-01-31T00:00:00.000Z",
    revoked_at: null,
    created_at: "2026-12-01T00:00:00.000Z",
    created_by: null,
    codes: codes.map((code) => ({ code, hint: code.slice(-4) })),
  });

  it("has a header and one row per code, with kind, value, expiry and label", () => {
    const codes = [groupCode(generateCheckedCode(12)), groupCode(generateCheckedCode(12))];
    const lines = activationCodesCsv(batch("Dakar 2026", codes)).split("\r\n");
    expect(lines).toEqual([
      "code,kind,value,expires_at,batch_label",
      `${codes[0]},credits,250 credits,2027-01-31T00:00:00.000Z,Dakar 2026`,
      `${codes[1]},credits,250 credits,2027-01-31T00:00:00.000Z,Dakar 2026`,
      "",
    ]);
  });

  it("quotes commas and quotes, and turns a would-be formula into text", () => {
    const csv = activationCodesCsv(batch('=HYPERLINK("x"), lot 2', ["K7M4-QXR2-9TBW"]));
    expect(csv.split("\r\n")[1]).toBe(
      `K7M4-QXR2-9TBW,credits,250 credits,2027-01-31T00:00:00.000Z,"'=HYPERLINK(""x""), lot 2"`,
    );
  });
});
