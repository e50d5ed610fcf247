/**
 * What is for sale: credit packages and subscription plans. Learners see the active ones in their
 * language; admins list, create and change them (audited). Prices are whole units of the currency.
 */
import {
  AppError,
  type CreditPackageView,
  type creditPackageInput,
  type creditPackagePatch,
  type Language,
  type SubscriptionPlanView,
  type subscriptionPlanInput,
  type subscriptionPlanPatch,
} from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { z } from "zod";
import { changedFields, writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import type { AuditMeta } from "../request-meta.ts";

type AdminMeta = AuditMeta & { actorId: string };

type PackageRow = Awaited<ReturnType<Db["creditPackage"]["findUniqueOrThrow"]>>;
type PlanRow = Awaited<ReturnType<Db["subscriptionPlan"]["findUniqueOrThrow"]>>;

const toPackage = (r: PackageRow, lang: Language): CreditPackageView => ({
  id: r.id,
  slug: r.slug,
  name: inLanguage(lang, r.nameFr, r.nameEn),
  name_fr: r.nameFr,
  name_en: r.nameEn,
  credits: r.credits,
  bonus_credits: r.bonusCredits,
  price_amount: r.priceAmount,
  currency: r.currency,
  is_active: r.isActive,
  sort_order: r.sortOrder,
});

const toPlan = (r: PlanRow, lang: Language): SubscriptionPlanView => ({
  id: r.id,
  slug: r.slug,
  name: inLanguage(lang, r.nameFr, r.nameEn),
  name_fr: r.nameFr,
  name_en: r.nameEn,
  duration_days: r.durationDays,
  daily_message_limit: r.dailyMessageLimit,
  price_amount: r.priceAmount,
  currency: r.currency,
  is_active: r.isActive,
  sort_order: r.sortOrder,
});

const ORDER = [{ sortOrder: "asc" as const }, { priceAmount: "asc" as const }];

/** Packages (`all`: inactive ones too, for admins). */
export async function listCreditPackages(db: Db, lang: Language, all = false): Promise<CreditPackageView[]> {
  const rows = await db.creditPackage.findMany({ where: all ? {} : { isActive: true }, orderBy: ORDER });
  return rows.map((r) => toPackage(r, lang));
}

export async function listSubscriptionPlans(db: Db, lang: Language, all = false): Promise<SubscriptionPlanView[]> {
  const rows = await db.subscriptionPlan.findMany({ where: all ? {} : { isActive: true }, orderBy: ORDER });
  return rows.map((r) => toPlan(r, lang));
}

const packageData = (input: Partial<z.output<typeof creditPackageInput>>) => ({
  ...(input.name_fr !== undefined ? { nameFr: input.name_fr } : {}),
  ...(input.name_en !== undefined ? { nameEn: input.name_en } : {}),
  ...(input.credits !== undefined ? { credits: input.credits } : {}),
  ...(input.bonus_credits !== undefined ? { bonusCredits: input.bonus_credits } : {}),
  ...(input.price_amount !== undefined ? { priceAmount: input.price_amount } : {}),
  ...(input.currency !== undefined ? { currency: input.currency } : {}),
  ...(input.is_active !== undefined ? { isActive: input.is_active } : {}),
  ...(input.sort_order !== undefined ? { sortOrder: input.sort_order } : {}),
});

const planData = (input: Partial<z.output<typeof subscriptionPlanInput>>) => ({
  ...(input.name_fr !== undefined ? { nameFr: input.name_fr } : {}),
  ...(input.name_en !== undefined ? { nameEn: input.name_en } : {}),
  ...(input.duration_days !== undefined ? { durationDays: input.duration_days } : {}),
  ...(input.daily_message_limit !== undefined ? { dailyMessageLimit: input.daily_message_limit } : {}),
  ...(input.price_amount !== undefined ? { priceAmount: input.price_amount } : {}),
  ...(input.currency !== undefined ? { currency: input.currency } : {}),
  ...(input.is_active !== undefined ? { isActive: input.is_active } : {}),
  ...(input.sort_order !== undefined ? { sortOrder: input.sort_order } : {}),
});

const isUnique = (error: unknown) => (error as { code?: string }).code === "P2002";

export async function createCreditPackage(
  db: Db,
  input: z.output<typeof creditPackageInput>,
  meta: AdminMeta,
  lang: Language,
) {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.creditPackage.create({
        data: {
          slug: input.slug,
          nameFr: input.name_fr,
          nameEn: input.name_en,
          credits: input.credits,
          priceAmount: input.price_amount,
          ...packageData(input),
        },
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "credit_package.created",
        targetType: "credit_package",
        targetId: row.id,
        after: toPackage(row, "en"),
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toPackage(row, lang);
    });
  } catch (error) {
    if (isUnique(error)) throw new AppError("CONFLICT");
    throw error;
  }
}

export async function updateCreditPackage(
  db: Db,
  id: string,
  patch: z.output<typeof creditPackagePatch>,
  meta: AdminMeta,
  lang: Language,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.creditPackage.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND");
    // Open intents keep the amount and the terms they quoted (payments.ts): a learner who pays
    // one gets what they were told, whatever this change does.
    const row = await tx.creditPackage.update({ where: { id }, data: packageData(patch) });
    const diff = changedFields(toPackage(before, "en"), toPackage(row, "en"));
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "credit_package.updated",
      targetType: "credit_package",
      targetId: id,
      ...diff,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toPackage(row, lang);
  });
}

export async function createSubscriptionPlan(
  db: Db,
  input: z.output<typeof subscriptionPlanInput>,
  meta: AdminMeta,
  lang: Language,
) {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.subscriptionPlan.create({
        data: {
          slug: input.slug,
          nameFr: input.name_fr,
          nameEn: input.name_en,
          durationDays: input.duration_days,
          dailyMessageLimit: input.daily_message_limit,
          priceAmount: input.price_amount,
          ...planData(input),
        },
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "subscription_plan.created",
        targetType: "subscription_plan",
        targetId: row.id,
        after: toPlan(row, "en"),
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toPlan(row, lang);
    });
  } catch (error) {
    if (isUnique(error)) throw new AppError("CONFLICT");
    throw error;
  }
}

export async function updateSubscriptionPlan(
  db: Db,
  id: string,
  patch: z.output<typeof subscriptionPlanPatch>,
  meta: AdminMeta,
  lang: Language,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.subscriptionPlan.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND");
    // Open intents keep what they quoted, as for packages.
    const row = await tx.subscriptionPlan.update({ where: { id }, data: planData(patch) });
    const diff = changedFields(toPlan(before, "en"), toPlan(row, "en"));
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "subscription_plan.updated",
      targetType: "subscription_plan",
      targetId: id,
      ...diff,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toPlan(row, lang);
  });
}
