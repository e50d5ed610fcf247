/** The demo catalogue: small, realistic and bilingual. Identities (slugs, emails) make re-seeding safe. */

export const DEMO_TAXONOMY = [
  { type: "domain", slug: "sante-publique", labelFr: "Santé publique", labelEn: "Public health", sortOrder: 1 },
  { type: "domain", slug: "agriculture", labelFr: "Agriculture", labelEn: "Agriculture", sortOrder: 2 },
  { type: "domain", slug: "finance", labelFr: "Finance et gestion", labelEn: "Finance and management", sortOrder: 3 },
  { type: "level", slug: "debutant", labelFr: "Débutant", labelEn: "Beginner", sortOrder: 1 },
  { type: "level", slug: "intermediaire", labelFr: "Intermédiaire", labelEn: "Intermediate", sortOrder: 2 },
  { type: "level", slug: "avance", labelFr: "Avancé", labelEn: "Advanced", sortOrder: 3 },
  { type: "audience", slug: "agents-de-sante", labelFr: "Agents de santé", labelEn: "Health workers", sortOrder: 1 },
  { type: "audience", slug: "cooperatives", labelFr: "Coopératives", labelEn: "Cooperatives", sortOrder: 2 },
  { type: "audience", slug: "etudiants", labelFr: "Étudiants", labelEn: "Students", sortOrder: 3 },
] as const;

interface DemoUnit {
  unitType: "lesson" | "quiz" | "case_study" | "flashcards";
  titleFr: string;
  titleEn: string;
  minutes: number;
}
interface DemoModule {
  titleFr: string;
  titleEn: string;
  descriptionFr: string;
  descriptionEn: string;
  level: number;
  hours: number;
  bloom: "remember" | "understand" | "apply" | "analyze" | "evaluate" | "create";
  objectivesFr: string[];
  objectivesEn: string[];
  units: DemoUnit[];
}
export interface DemoCourse {
  slug: string;
  titleFr: string;
  titleEn: string;
  descriptionFr: string;
  descriptionEn: string;
  estimatedHours: number;
  priceCredits: number;
  marketplace?: boolean;
  taxonomy: string[];
  modules: DemoModule[];
}

const lessonQuizCards = (topicFr: string, topicEn: string): DemoUnit[] => [
  { unitType: "lesson", titleFr: `Leçon : ${topicFr}`, titleEn: `Lesson: ${topicEn}`, minutes: 20 },
  { unitType: "flashcards", titleFr: `Cartes mémoire : ${topicFr}`, titleEn: `Flashcards: ${topicEn}`, minutes: 10 },
  { unitType: "quiz", titleFr: `Quiz : ${topicFr}`, titleEn: `Quiz: ${topicEn}`, minutes: 15 },
];

export const DEMO_COURSES: DemoCourse[] = [
  {
    slug: "sante-publique-epidemiologie",
    titleFr: "Santé publique : les bases de l'épidémiologie",
    titleEn: "Public health: epidemiology basics",
    descriptionFr:
      "Mesurer la santé d'une population, lire un tableau de surveillance et réagir à une flambée, " +
      "avec des exemples du Sénégal, du Mali et de la Côte d'Ivoire.",
    descriptionEn:
      "Measure a population's health, read a surveillance table and respond to an outbreak, " +
      "with examples from Senegal, Mali and Côte d'Ivoire.",
    estimatedHours: 12,
    priceCredits: 0,
    taxonomy: ["sante-publique", "debutant", "agents-de-sante"],
    modules: [
      {
        titleFr: "Mesurer la santé d'une population",
        titleEn: "Measuring a population's health",
        descriptionFr: "Incidence, prévalence, taux de mortalité et leurs dénominateurs.",
        descriptionEn: "Incidence, prevalence, mortality rates and their denominators.",
        level: 1,
        hours: 4,
        bloom: "understand",
        objectivesFr: ["Distinguer incidence et prévalence", "Calculer un taux de mortalité"],
        objectivesEn: ["Tell incidence from prevalence", "Compute a mortality rate"],
        units: lessonQuizCards("incidence et prévalence", "incidence and prevalence"),
      },
      {
        titleFr: "La surveillance épidémiologique",
        titleEn: "Epidemiological surveillance",
        descriptionFr: "Collecter, analyser et partager les données du district sanitaire.",
        descriptionEn: "Collect, analyse and share health-district data.",
        level: 2,
        hours: 4,
        bloom: "apply",
        objectivesFr: ["Remplir un rapport hebdomadaire", "Repérer un seuil d'alerte"],
        objectivesEn: ["Fill in a weekly report", "Spot an alert threshold"],
        units: [
          ...lessonQuizCards("les systèmes de surveillance", "surveillance systems"),
          {
            unitType: "case_study",
            titleFr: "Étude de cas : rougeole à Kolda",
            titleEn: "Case study: measles in Kolda",
            minutes: 25,
          },
        ],
      },
      {
        titleFr: "Investiguer une flambée",
        titleEn: "Investigating an outbreak",
        descriptionFr: "Les dix étapes de l'investigation, de la définition de cas à la communication.",
        descriptionEn: "The ten steps of an investigation, from case definition to communication.",
        level: 2,
        hours: 4,
        bloom: "analyze",
        objectivesFr: ["Rédiger une définition de cas", "Construire une courbe épidémique"],
        objectivesEn: ["Write a case definition", "Build an epidemic curve"],
        units: lessonQuizCards("l'investigation de terrain", "field investigation"),
      },
    ],
  },
  {
    slug: "gestion-financiere-cooperatives",
    titleFr: "Gestion financière des coopératives agricoles",
    titleEn: "Financial management for farming cooperatives",
    descriptionFr:
      "Tenir la caisse, établir un budget de campagne et rendre compte aux membres, " +
      "en francs CFA et avec le mobile money.",
    descriptionEn:
      "Keep the cash book, build a season budget and report to members, in CFA francs and with mobile money.",
    estimatedHours: 8,
    priceCredits: 500,
    /** Sold on the marketplace: the demo expert earns their share of each sale. */
    marketplace: true,
    taxonomy: ["finance", "agriculture", "intermediaire", "cooperatives"],
    modules: [
      {
        titleFr: "Tenir la comptabilité de la coopérative",
        titleEn: "Keeping the cooperative's books",
        descriptionFr: "Journal de caisse, pièces justificatives et rapprochement mobile money.",
        descriptionEn: "Cash book, receipts and mobile-money reconciliation.",
        level: 2,
        hours: 4,
        bloom: "apply",
        objectivesFr: ["Tenir un journal de caisse", "Rapprocher un relevé mobile money"],
        objectivesEn: ["Keep a cash book", "Reconcile a mobile-money statement"],
        units: lessonQuizCards("le journal de caisse", "the cash book"),
      },
      {
        titleFr: "Le budget de campagne",
        titleEn: "The season budget",
        descriptionFr: "Prévoir intrants, crédits et ventes d'une campagne agricole.",
        descriptionEn: "Plan inputs, loans and sales for a growing season.",
        level: 3,
        hours: 4,
        bloom: "evaluate",
        objectivesFr: ["Construire un budget prévisionnel", "Évaluer la rentabilité d'une culture"],
        objectivesEn: ["Build a forecast budget", "Assess a crop's profitability"],
        units: lessonQuizCards("le budget prévisionnel", "the forecast budget"),
      },
    ],
  },
];

export const DEMO_CURRICULUM = {
  slug: "developpement-local",
  titleFr: "Parcours développement local",
  titleEn: "Local development pathway",
  descriptionFr: "Santé communautaire et gestion des coopératives : deux piliers du développement local.",
  descriptionEn: "Community health and cooperative management: two pillars of local development.",
  courses: ["sante-publique-epidemiologie", "gestion-financiere-cooperatives"],
};

/**
 * The demo accounts' authenticator secrets. Public on purpose (they are in the README): demo data
 * only, never seeded in production. `pnpm demo:code` prints their current codes.
 */
export const DEMO_TOTP_SECRETS: Record<string, string> = {
  "admin@sira.demo": "KNUXEYLEMVWW6YLENVUW4MJSGM2DKNRX",
  "awa.diallo@sira.demo": "KNUXEYLEMVWW6ZDMMVQXE3TFOIYTEMZU",
  "ibrahima.kane@sira.demo": "KNUXEYLEMVWW6ZLYOBSXE5BRGIZTINJW",
};

export const DEMO_USERS = {
  expert: {
    email: "ibrahima.kane@sira.demo",
    name: "Ibrahima Kane",
    role: "expert",
    preferredLanguage: "fr",
    country: "SN",
    professionalRole: "cooperative_trainer",
    timezone: "Africa/Dakar",
  },
  admin: {
    email: "admin@sira.demo",
    name: "Mariama Sow",
    role: "admin",
    preferredLanguage: "fr",
    country: "SN",
    professionalRole: "platform_admin",
    timezone: "Africa/Dakar",
  },
  learner: {
    email: "awa.diallo@sira.demo",
    name: "Awa Diallo",
    role: "learner",
    preferredLanguage: "fr",
    country: "ML",
    professionalRole: "community_health_worker",
    timezone: "Africa/Bamako",
  },
} as const;

export const DEMO_CREDIT_PACKAGES = [
  { slug: "decouverte", nameFr: "Découverte", nameEn: "Starter", credits: 200, bonusCredits: 0, priceAmount: 1000 },
  { slug: "standard", nameFr: "Standard", nameEn: "Standard", credits: 1000, bonusCredits: 100, priceAmount: 5000 },
  { slug: "intensif", nameFr: "Intensif", nameEn: "Intensive", credits: 2500, bonusCredits: 400, priceAmount: 10000 },
];

/** Subscription plans: a month and a quarter of tutor messages. */
export const DEMO_SUBSCRIPTION_PLANS = [
  { slug: "mensuel", nameFr: "Mensuel", nameEn: "Monthly", durationDays: 30, dailyMessageLimit: 50, priceAmount: 2000 },
  {
    slug: "trimestriel",
    nameFr: "Trimestriel",
    nameEn: "Quarterly",
    durationDays: 90,
    dailyMessageLimit: 50,
    priceAmount: 5000,
  },
];

/** Printed activation codes, as a reseller would sell them: credits, and a month of the plan. */
export const DEMO_CODE_BATCHES = [
  { kind: "credits" as const, credits: 300, count: 5, max_redemptions: 1, label: "Démo — cartes 300 crédits" },
  { kind: "subscription" as const, plan: "mensuel", count: 5, max_redemptions: 1, label: "Démo — abonnement mensuel" },
];

export const DEMO_SETTINGS: Record<string, unknown> = {
  "tutor.free_daily_messages": 5,
  "marketplace.commission_pct": 30,
  "platform.default_language": "fr",
};

/** Credits the demo learner starts with, so the paid course can be bought in the demo. */
export const DEMO_LEARNER_CREDITS = 1000;
