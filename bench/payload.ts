/**
 * `pnpm bench:payload`: the bytes a phone downloads for the catalog screens. Seeds ~25 bilingual
 * courses into a scratch database (built by the real migrations, dropped at the end), calls the
 * real app in-process, and prints raw / gzip / brotli sizes as the server sends them, for the
 * default fields and for `?fields=id,title`. It prints figures; it never asserts anything.
 */
import { fileURLToPath } from "node:url";
import { createApp } from "@sira/api";
import { createAppDeps } from "@sira/api/deps";
import { createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";

const COURSES = 25;
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_payload_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

const TOPICS = [
  ["Santé publique", "Public health", "sante-publique"],
  ["Épidémiologie de terrain", "Field epidemiology", "sante-publique"],
  ["Nutrition de l'enfant", "Child nutrition", "sante-publique"],
  ["Agriculture irriguée", "Irrigated farming", "agriculture"],
  ["Gestion de coopérative", "Running a cooperative", "finance"],
] as const;

async function seed(db: Db): Promise<{ courseSlug: string }> {
  await db.taxonomyCategory.createMany({
    data: [
      { type: "domain", slug: "sante-publique", labelFr: "Santé publique", labelEn: "Public health", sortOrder: 1 },
      { type: "domain", slug: "agriculture", labelFr: "Agriculture", labelEn: "Agriculture", sortOrder: 2 },
      { type: "domain", slug: "finance", labelFr: "Finance et gestion", labelEn: "Finance and management" },
      { type: "level", slug: "debutant", labelFr: "Débutant", labelEn: "Beginner", sortOrder: 1 },
      { type: "level", slug: "intermediaire", labelFr: "Intermédiaire", labelEn: "Intermediate", sortOrder: 2 },
      { type: "audience", slug: "agents-de-sante", labelFr: "Agents de santé", labelEn: "Health workers" },
    ],
  });
  const categories = new Map((await db.taxonomyCategory.findMany()).map((c) => [c.slug, c.id]));
  const slugs: string[] = [];
  for (let i = 0; i < COURSES; i++) {
    const [fr, en, domain] = TOPICS[i % TOPICS.length] as (typeof TOPICS)[number];
    const level = i % 2 ? "intermediaire" : "debutant";
    const course = await db.course.create({
      data: {
        slug: `cours-${i + 1}`,
        titleFr: `${fr} ${Math.floor(i / TOPICS.length) + 1}`,
        titleEn: `${en} ${Math.floor(i / TOPICS.length) + 1}`,
        descriptionFr:
          `${fr} : notions clés, exemples du Sénégal, du Mali et de Côte d'Ivoire, ` +
          "exercices courts adaptés au téléphone et quiz pour vérifier vos acquis.",
        descriptionEn:
          `${en}: key ideas, examples from Senegal, Mali and Côte d'Ivoire, ` +
          "short exercises made for phones and quizzes to check what you learned.",
        coverImageUrl: `https://cdn.sira.africa/covers/cours-${i + 1}.webp`,
        estimatedHours: 8 + (i % 5) * 2,
        moduleCount: 4,
        priceCredits: i % 4 === 0 ? 200 : 0,
        status: "published",
        publishedAt: new Date(Date.UTC(2026, 0, 1 + i)),
        taxonomyCategories: {
          create: [domain, level, "agents-de-sante"].map((slug) => ({ categoryId: categories.get(slug) as string })),
        },
        modules: {
          create: Array.from({ length: 4 }, (_, m) => ({
            moduleNumber: m + 1,
            level: Math.min(4, m + 1),
            titleFr: `Module ${m + 1} : ${fr.toLowerCase()} en pratique`,
            titleEn: `Module ${m + 1}: ${en.toLowerCase()} in practice`,
            descriptionFr: "Notions, exemples et exercices.",
            descriptionEn: "Ideas, examples and exercises.",
            estimatedHours: 2 + (m % 2),
            bloomLevel: "apply",
            units: {
              create: ["lesson", "flashcards", "quiz"].map((unitType, u) => ({
                unitNumber: u + 1,
                unitType,
                titleFr: `Unité ${u + 1}`,
                titleEn: `Unit ${u + 1}`,
              })),
            },
          })),
        },
      },
    });
    slugs.push(course.slug);
  }
  const courses = await db.course.findMany({ select: { id: true }, orderBy: { slug: "asc" } });
  for (let k = 0; k < 4; k++) {
    await db.curriculum.create({
      data: {
        slug: `parcours-${k + 1}`,
        titleFr: `Parcours ${k + 1} : agent de santé communautaire`,
        titleEn: `Track ${k + 1}: community health worker`,
        descriptionFr: "Un parcours complet, du premier module à l'évaluation finale.",
        descriptionEn: "A complete track, from the first module to the final assessment.",
        status: "published",
        courses: { create: courses.slice(k * 5, k * 5 + 6).map((c, i) => ({ courseId: c.id, sortOrder: i })) },
      },
    });
  }
  return { courseSlug: slugs[0] as string };
}

interface Row {
  label: string;
  raw: number;
  gzip: number;
  br: number;
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "100000",
  });
  const db = createDb({ url, poolMax: 2 });
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", () => {});
  try {
    await migrate(url, migrations);
    const { courseSlug } = await seed(db);
    const logger = createLogger("bench", "silent");
    const app = createApp(createAppDeps({ config, db, redis, logger }));

    const size = async (path: string, encoding: string): Promise<number> => {
      const res = await app.request(path, { headers: { "accept-encoding": encoding, "accept-language": "fr" } });
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };
    const targets: [string, string][] = [
      ["catalog page (20 courses)", "/api/v1/courses?limit=20"],
      ["course detail", `/api/v1/courses/${courseSlug}`],
      ["curricula list", "/api/v1/curricula"],
    ];
    const rows: Row[] = [];
    for (const [label, path] of targets) {
      for (const [variant, suffix] of [
        ["default fields", ""],
        ["?fields=id,title", `${path.includes("?") ? "&" : "?"}fields=id,title`],
      ] as const) {
        const full = `${path}${suffix}`;
        rows.push({
          label: `${label}, ${variant}`,
          raw: await size(full, "identity"),
          gzip: await size(full, "gzip"),
          br: await size(full, "br"),
        });
      }
    }
    const pad = (v: string | number, n: number) => String(v).padStart(n);
    console.log(`Payload bytes as sent by the API (${COURSES} courses seeded; bodies < 1 KiB are not compressed)\n`);
    console.log(`${"response".padEnd(44)}${pad("raw", 9)}${pad("gzip", 9)}${pad("br", 9)}${pad("br/raw", 9)}`);
    for (const r of rows) {
      const ratio = `${Math.round((r.br / r.raw) * 100)}%`;
      console.log(`${r.label.padEnd(44)}${pad(r.raw, 9)}${pad(r.gzip, 9)}${pad(r.br, 9)}${pad(ratio, 9)}`);
    }
  } finally {
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

await main();
