/**
 * The demo data of development and test databases: a small bilingual catalogue, an admin, an
 * expert and a learner with published authenticator secrets, credit packages and subscription
 * plans, and the demo courses' own documents. Only scripts
 * and tests load it; no app or other package imports it.
 */
export {
  DEMO_COURSES,
  DEMO_CURRICULUM,
  DEMO_LEARNER_CREDITS,
  DEMO_SUBSCRIPTION_PLANS,
  DEMO_TAXONOMY,
  DEMO_TOTP_SECRETS,
  DEMO_USERS,
} from "./content.ts";
export { DEMO_DOCUMENTS, seedDemoDocuments } from "./documents.ts";
export { DemoSeedRefused, type DemoSeedResult, seedDemo } from "./seed.ts";
