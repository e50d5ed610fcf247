/** Retrieved chunks of a small bilingual course on markets and prices, shared by the tutor tests. */

import type { OpenQuizItem, TutorCourse, TutorRequest } from "../../src/tutor/types.ts";
import type { RetrievedChunk } from "../../src/types.ts";

const COURSE = "44444444-4444-4444-8444-444444444444";
const RESOURCE = "55555555-5555-4555-8555-555555555555";

function chunk(
  n: number,
  text: string,
  chapter: string | null,
  page: number | null,
  language: "fr" | "en",
): RetrievedChunk {
  return {
    id: `66666666-6666-4666-8666-${String(n).padStart(12, "0")}`,
    courseId: COURSE,
    resourceId: RESOURCE,
    chunkIndex: n,
    text,
    source: "economie-des-marches.pdf",
    chapter,
    page,
    language,
    score: 0.5 - n / 100,
  };
}

export const MARKET_CHUNKS: RetrievedChunk[] = [
  chunk(
    1,
    "Le prix d'équilibre est le prix auquel la quantité offerte est égale à la quantité demandée. " +
      "Sur un marché concurrentiel, ce prix se forme par la rencontre de l'offre et de la demande. " +
      "Aucun acheteur ni aucun vendeur ne peut à lui seul imposer son prix.",
    "Le marché et les prix",
    1,
    "fr",
  ),
  chunk(
    2,
    "Quand la demande augmente, le prix d'équilibre monte et les vendeurs offrent davantage. " +
      "Quand l'offre augmente, par exemple après une bonne récolte, le prix baisse. " +
      "Les commerçants observent ces variations chaque jour.",
    "Le marché et les prix",
    2,
    "fr",
  ),
  chunk(
    3,
    "Au marché de Sandaga à Dakar, le prix du riz varie selon les arrivages du port. " +
      "Les commerçants ajustent leurs prix chaque matin en fonction des stocks disponibles. " +
      "Un sac de 50 kg de riz brisé se vendait 16 500 FCFA en mars.",
    "Le marché et les prix",
    3,
    "fr",
  ),
  chunk(
    4,
    "The equilibrium price is the price at which the quantity supplied equals the quantity demanded. " +
      "When demand rises, the equilibrium price goes up and sellers supply more.",
    "Supply and demand",
    4,
    "en",
  ),
  chunk(
    5,
    "Un prix plafond fixé par l'État en dessous du prix d'équilibre crée une pénurie. " +
      "Les files d'attente et les marchés parallèles apparaissent alors, car la quantité demandée dépasse la quantité offerte.",
    "L'intervention de l'État",
    5,
    "fr",
  ),
];

export const COURSE_FR: TutorCourse = {
  courseTitle: "Économie des marchés",
  topic: "l'offre, la demande et la formation des prix",
  language: "fr",
  country: "SN",
  level: 1,
  moduleTitle: "Le marché et les prix",
  unitTitle: "Le prix d'équilibre",
};

export const COURSE_EN: TutorCourse = {
  ...COURSE_FR,
  courseTitle: "Market economics",
  topic: "supply and demand",
  language: "en",
};

/** An open quiz item whose key is option C (index 2). */
export const PENURIE_ITEM: OpenQuizItem = {
  stem: "Que crée un prix plafond fixé en dessous du prix d'équilibre ?",
  options: ["Un excédent", "Une baisse de la demande", "Une pénurie", "Une hausse de l'offre"],
  correctIndex: 2,
  explanation: "La quantité demandée dépasse la quantité offerte : c'est une pénurie.",
};

export function request(overrides: Partial<TutorRequest> = {}): TutorRequest {
  return {
    course: COURSE_FR,
    question: "Comment se forme le prix d'équilibre ?",
    memory: null,
    summary: null,
    history: [],
    chunks: MARKET_CHUNKS,
    guardedItems: [],
    ...overrides,
  };
}
