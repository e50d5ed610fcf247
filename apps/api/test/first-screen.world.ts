/**
 * The learner of the first screen: a catalog of 20 published bilingual courses with distinct,
 * realistic titles and descriptions (text that repeats itself would compress too well), and a
 * learner enrolled in 10 of them through the API, with lessons completed through the API. Shared
 * by the first-screen byte budget test and `pnpm bench:payload`, so both measure the same state.
 * Catalog rows are written as the back office leaves a published course; everything the learner
 * does goes through the real routes.
 */

import { connect } from "node:net";
import { startSession, tokenPair } from "@sira/domain";
import type { Config } from "@sira/infra";
import type { Db } from "@sira/infra/db";

/** Title FR, title EN, description FR, description EN, domain slug. */
type CourseText = readonly [string, string, string, string, string];

export const FIRST_SCREEN_COURSES: readonly CourseText[] = [
  [
    "Santé publique : les bases de l'épidémiologie",
    "Public health: epidemiology basics",
    "Mesurer la santé d'une population, lire un tableau de surveillance et réagir à une flambée, avec des exemples du Sénégal, du Mali et de la Côte d'Ivoire.",
    "Measure a population's health, read a surveillance table and respond to an outbreak, with examples from Senegal, Mali and Côte d'Ivoire.",
    "sante-publique",
  ],
  [
    "Paludisme : prévenir, dépister, traiter",
    "Malaria: prevent, test, treat",
    "Moustiquaires imprégnées, tests de diagnostic rapide et traitement combiné : ce que l'agent de santé fait au village, étape par étape, pendant la saison des pluies.",
    "Treated nets, rapid diagnostic tests and combination therapy: what a community health worker does in the village, step by step, during the rainy season.",
    "sante-publique",
  ],
  [
    "Nutrition de l'enfant de moins de cinq ans",
    "Nutrition for children under five",
    "Allaitement, diversification alimentaire, mesure du périmètre brachial et prise en charge de la malnutrition aiguë avec les aliments disponibles au marché local.",
    "Breastfeeding, complementary feeding, measuring mid-upper arm circumference and treating acute malnutrition with food found at the local market.",
    "sante-publique",
  ],
  [
    "Vaccination et chaîne du froid",
    "Immunisation and the cold chain",
    "Calendrier vaccinal, conservation des vaccins sans électricité stable, suivi des enfants perdus de vue et communication avec les familles hésitantes.",
    "The immunisation schedule, keeping vaccines cold without reliable power, tracing children lost to follow-up and talking with hesitant families.",
    "sante-publique",
  ],
  [
    "Santé maternelle : consultations prénatales",
    "Maternal health: antenatal care",
    "Les quatre consultations recommandées, les signes de danger pendant la grossesse, l'orientation vers le centre de santé et le plan d'accouchement avec la famille.",
    "The four recommended visits, danger signs during pregnancy, referral to the health centre and planning the birth together with the family.",
    "sante-publique",
  ],
  [
    "Eau, hygiène et assainissement",
    "Water, sanitation and hygiene",
    "Traiter l'eau de boisson, construire et entretenir des latrines, organiser le lavage des mains à l'école et suivre les cas de diarrhée dans le quartier.",
    "Treating drinking water, building and maintaining latrines, organising handwashing at school and tracking diarrhoea cases in the neighbourhood.",
    "sante-publique",
  ],
  [
    "Agriculture irriguée à petite échelle",
    "Small-scale irrigated farming",
    "Choisir entre goutte-à-goutte et irrigation à la raie, calculer les besoins en eau d'une parcelle de maraîchage et planifier les cultures de contre-saison.",
    "Choosing between drip and furrow irrigation, working out the water needs of a vegetable plot and planning off-season crops.",
    "agriculture",
  ],
  [
    "Sols fertiles : compost et rotation",
    "Fertile soils: compost and rotation",
    "Fabriquer un compost en trois mois, associer céréales et légumineuses, lutter contre l'érosion avec les cordons pierreux et lire un test de sol simple.",
    "Making compost in three months, pairing cereals with legumes, fighting erosion with stone lines and reading a simple soil test.",
    "agriculture",
  ],
  [
    "Élevage de volailles en milieu rural",
    "Village poultry farming",
    "Loger, nourrir et vacciner un petit élevage de poules, reconnaître la maladie de Newcastle et vendre les œufs au bon prix sur le marché hebdomadaire.",
    "Housing, feeding and vaccinating a small flock, recognising Newcastle disease and selling eggs at the right price at the weekly market.",
    "agriculture",
  ],
  [
    "Conservation des récoltes",
    "Storing the harvest",
    "Sécher le maïs et le mil, utiliser les sacs hermétiques, protéger le grenier contre les insectes et réduire les pertes après récolte de moitié.",
    "Drying maize and millet, using hermetic bags, protecting the granary from insects and halving post-harvest losses.",
    "agriculture",
  ],
  [
    "Gestion d'une coopérative agricole",
    "Running a farmers' cooperative",
    "Statuts, assemblée générale, tenue du registre des membres, achats groupés d'intrants et partage transparent des bénéfices entre les producteurs.",
    "By-laws, the general assembly, keeping the members' register, buying inputs together and sharing profits openly among the growers.",
    "finance",
  ],
  [
    "Comptabilité de base pour petits commerces",
    "Basic bookkeeping for small shops",
    "Tenir un cahier de caisse, séparer l'argent du ménage et celui du commerce, calculer sa marge et préparer un dossier pour un crédit de microfinance.",
    "Keeping a cash book, separating household money from the shop's, working out a margin and preparing a microfinance loan application.",
    "finance",
  ],
  [
    "Épargne et tontines",
    "Savings groups and tontines",
    "Fonctionnement d'une tontine, règles d'une association villageoise d'épargne et de crédit, gestion des retards de paiement et tenue des carnets.",
    "How a tontine works, the rules of a village savings and loan association, handling late payments and keeping the passbooks.",
    "finance",
  ],
  [
    "Paiements mobiles au quotidien",
    "Mobile money in everyday life",
    "Envoyer, recevoir et retirer de l'argent par téléphone, comprendre les frais, éviter les arnaques courantes et payer ses fournisseurs sans se déplacer.",
    "Sending, receiving and withdrawing money by phone, understanding the fees, avoiding common scams and paying suppliers without travelling.",
    "finance",
  ],
  [
    "Premiers secours communautaires",
    "Community first aid",
    "Arrêter une hémorragie, mettre une personne en position latérale de sécurité, soigner une brûlure et organiser l'évacuation vers le poste de santé.",
    "Stopping bleeding, placing someone in the recovery position, treating a burn and organising transport to the health post.",
    "sante-publique",
  ],
  [
    "Tuberculose : dépistage et suivi du traitement",
    "Tuberculosis: screening and treatment support",
    "Repérer une toux de plus de deux semaines, orienter pour le test, accompagner six mois de traitement et retrouver les patients qui l'interrompent.",
    "Spotting a cough lasting over two weeks, referring for testing, supporting six months of treatment and finding patients who stop it.",
    "sante-publique",
  ],
  [
    "Santé mentale : écouter et orienter",
    "Mental health: listen and refer",
    "Reconnaître la dépression et l'anxiété, mener un entretien d'écoute respectueux, travailler avec les guérisseurs traditionnels et savoir quand orienter.",
    "Recognising depression and anxiety, holding a respectful listening conversation, working with traditional healers and knowing when to refer.",
    "sante-publique",
  ],
  [
    "Maraîchage biologique",
    "Organic market gardening",
    "Produire tomates, oignons et gombo sans pesticides chimiques, préparer des extraits de neem, planifier les semis et vendre aux restaurants de la ville.",
    "Growing tomatoes, onions and okra without chemical pesticides, preparing neem extracts, planning sowing and selling to restaurants in town.",
    "agriculture",
  ],
  [
    "Transformation du karité",
    "Processing shea butter",
    "Collecter les noix, produire un beurre de qualité export, respecter les règles d'hygiène, fixer un prix juste et négocier avec les acheteurs.",
    "Collecting the nuts, producing export-grade butter, following hygiene rules, setting a fair price and negotiating with buyers.",
    "agriculture",
  ],
  [
    "Gestion de stock en pharmacie de district",
    "Stock management in a district pharmacy",
    "Fiches de stock, consommation moyenne mensuelle, commandes trimestrielles, péremption des médicaments et inventaire sans rupture pour les patients.",
    "Stock cards, average monthly consumption, quarterly orders, drug expiry dates and stocktaking without leaving patients short.",
    "finance",
  ],
];

const MODULE_TITLES: readonly (readonly [string, string])[] = [
  ["Comprendre les notions clés", "Understanding the key ideas"],
  ["Sur le terrain : les gestes", "In the field: what to do"],
  ["Cas pratiques de la région", "Case studies from the region"],
  ["Évaluer et améliorer", "Assess and improve"],
];

export const FIRST_SCREEN_CATALOG = FIRST_SCREEN_COURSES.length;
export const FIRST_SCREEN_ENROLLED = 10;

/** The catalog rows: taxonomy and 20 published courses of 4 modules (3 lessons, flashcards, quiz). */
export async function seedFirstScreenCatalog(db: Db): Promise<{ id: string; slug: string }[]> {
  await db.taxonomyCategory.createMany({
    data: [
      { type: "domain", slug: "sante-publique", labelFr: "Santé publique", labelEn: "Public health", sortOrder: 1 },
      { type: "domain", slug: "agriculture", labelFr: "Agriculture", labelEn: "Agriculture", sortOrder: 2 },
      { type: "domain", slug: "finance", labelFr: "Finance et gestion", labelEn: "Finance and management" },
      { type: "level", slug: "debutant", labelFr: "Débutant", labelEn: "Beginner", sortOrder: 1 },
      { type: "level", slug: "intermediaire", labelFr: "Intermédiaire", labelEn: "Intermediate", sortOrder: 2 },
      { type: "audience", slug: "agents-de-sante", labelFr: "Agents de santé", labelEn: "Health workers" },
      { type: "audience", slug: "producteurs", labelFr: "Producteurs", labelEn: "Farmers" },
    ],
    skipDuplicates: true,
  });
  const categories = new Map((await db.taxonomyCategory.findMany()).map((c) => [c.slug, c.id]));
  const courses: { id: string; slug: string }[] = [];
  for (const [i, [titleFr, titleEn, descriptionFr, descriptionEn, domain]] of FIRST_SCREEN_COURSES.entries()) {
    const slug = titleFr
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    const audience = domain === "agriculture" ? "producteurs" : "agents-de-sante";
    const course = await db.course.create({
      data: {
        slug,
        titleFr,
        titleEn,
        descriptionFr,
        descriptionEn,
        coverImageUrl: `https://cdn.sira.africa/covers/${slug}.webp`,
        estimatedHours: 6 + (i % 5) * 2,
        moduleCount: MODULE_TITLES.length,
        priceCredits: 0,
        status: "published",
        creationStep: "published",
        publishedAt: new Date(Date.UTC(2026, 0, 1 + i)),
        taxonomyCategories: {
          create: [domain, i % 3 ? "debutant" : "intermediaire", audience].map((s) => ({
            categoryId: categories.get(s) as string,
          })),
        },
        modules: {
          create: MODULE_TITLES.map(([fr, en], m) => ({
            moduleNumber: m + 1,
            level: m + 1,
            titleFr: `${fr} : ${titleFr.split(" :")[0]?.toLowerCase()}`,
            titleEn: `${en}: ${titleEn.split(":")[0]?.toLowerCase()}`,
            descriptionFr: "Notions, exemples et exercices.",
            descriptionEn: "Ideas, examples and exercises.",
            estimatedHours: 2 + (m % 2),
            bloomLevel: "apply",
            units: {
              create: ["lesson", "lesson", "lesson", "flashcards", "quiz"].map((unitType, u) => ({
                unitNumber: u + 1,
                unitType,
                titleFr: `${unitType === "lesson" ? "Leçon" : unitType === "quiz" ? "Quiz" : "Cartes"} ${m + 1}.${u + 1}`,
                titleEn: `${unitType === "lesson" ? "Lesson" : unitType === "quiz" ? "Quiz" : "Cards"} ${m + 1}.${u + 1}`,
              })),
            },
          })),
        },
      },
      select: { id: true, slug: true },
    });
    courses.push(course);
  }
  return courses;
}

/** Anything that answers a Request the way the app does (`app.request`). */
export type Requester = (path: string, init?: RequestInit) => Response | Promise<Response>;

export interface FirstScreenLearner {
  userId: string;
  headers: Record<string, string>;
  /** The courses enrolled in, in enrollment order. */
  enrolled: { id: string; slug: string }[];
}

/**
 * A learner (in Senegal, French) signed in with a real session, who enrolls in the first 10
 * courses through `POST /courses/{slug}/enroll` and completes lessons through
 * `POST /modules/{m}/units/{u}/complete`: one to three lessons of module 1, varying by course.
 */
export async function firstScreenLearner(
  db: Db,
  config: Config,
  request: Requester,
  courses: { id: string; slug: string }[],
): Promise<FirstScreenLearner> {
  const user = await db.user.create({
    data: {
      email: `apprenant-${crypto.randomUUID().slice(0, 8)}@example.org`,
      name: "Aminata Traoré",
      preferredLanguage: "fr",
      country: "SN",
      professionalRole: "nurse",
      status: "active",
      emailVerifiedAt: new Date(),
    },
  });
  const meta = { ip: null, userAgent: "first-screen", requestId: null, now: new Date() };
  const session = await startSession(db, user.id, meta, config.REFRESH_TOKEN_TTL_DAYS);
  const pair = await tokenPair({ config, meta }, user, session);
  const headers = { authorization: `Bearer ${pair.access_token}`, "accept-language": "fr" };
  const send = async (method: string, path: string, body: unknown = {}) => {
    const res = await request(path, {
      method,
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  const enrolled = courses.slice(0, FIRST_SCREEN_ENROLLED);
  for (const [i, course] of enrolled.entries()) {
    await send("POST", `/api/v1/courses/${course.slug}/enroll`);
    const module = await db.module.findFirstOrThrow({
      where: { courseId: course.id, moduleNumber: 1 },
      select: {
        id: true,
        units: { where: { unitType: "lesson" }, orderBy: { unitNumber: "asc" }, select: { id: true } },
      },
    });
    for (const unit of module.units.slice(0, 1 + (i % 3))) {
      await send("POST", `/api/v1/modules/${module.id}/units/${unit.id}/complete`, { time_spent_seconds: 540 });
    }
  }
  return { userId: user.id, headers, enrolled };
}

/** What a first screen calls, with its default query parameters. */
export const FIRST_SCREEN_PATHS = ["/api/v1/courses", "/api/v1/dashboard", "/api/v1/courses/my-enrollments"] as const;

/** One initial TCP congestion window (RFC 6928: 10 segments of 1,460 bytes). */
export const INITIAL_WINDOW_BYTES = 14_600;

/**
 * Every byte a listening server at `base` writes for one GET on its own HTTP/1.1 connection
 * (status line, headers, body), the body's share, and the head as text.
 */
export function wireBytes(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ wire: number; body: number; head: string }> {
  const { hostname, port } = new URL(base);
  const request = [
    `GET ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n") + 4;
      resolve({ wire: all.byteLength, body: all.byteLength - split, head: all.subarray(0, split).toString() });
    });
  });
}
