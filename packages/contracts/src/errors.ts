/**
 * The one error vocabulary of the API: a stable machine code, its HTTP status, and a message in
 * French and English. REST answers problem+json with these codes; tRPC errors carry them in `data`.
 */
export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

interface ErrorDef {
  status: number;
  fr: string;
  en: string;
}

export const ERROR_CODES = {
  VALIDATION_FAILED: {
    status: 400,
    fr: "La requête contient des données invalides.",
    en: "The request contains invalid data.",
  },
  UNKNOWN_FIELDS: { status: 400, fr: "Champs inconnus dans ?fields=.", en: "Unknown fields in ?fields=." },
  INVALID_SINCE: {
    status: 400,
    fr: "Le paramètre ?since= doit être une date ISO-8601.",
    en: "The ?since= parameter must be an ISO-8601 date.",
  },
  INVALID_OFFLINE_TIMESTAMP: {
    status: 400,
    fr: "L'en-tête X-Offline-Queued-At est invalide ou hors limites.",
    en: "The X-Offline-Queued-At header is invalid or out of bounds.",
  },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    fr: "L'en-tête Idempotency-Key doit compter de 8 à 128 caractères imprimables.",
    en: "The Idempotency-Key header must be 8 to 128 printable characters.",
  },
  MALFORMED_JSON: {
    status: 400,
    fr: "Le corps de la requête n'est pas un JSON valide.",
    en: "The request body is not valid JSON.",
  },
  BATCH_TOO_LARGE: {
    status: 400,
    fr: "Ce lot d'appels tRPC est trop grand : envoyez au plus 10 appels par requête.",
    en: "This tRPC batch is too large: send at most 10 calls per request.",
  },
  AUTH_NOT_BATCHABLE: {
    status: 400,
    fr: "Les appels de connexion (auth.*) ne peuvent pas être groupés : envoyez-les un par un.",
    en: "Sign-in calls (auth.*) cannot be batched: send them one at a time.",
  },
  UNAUTHENTICATED: { status: 401, fr: "Authentification requise.", en: "Authentication required." },
  INVALID_CREDENTIALS: {
    status: 401,
    fr: "Adresse e-mail ou code incorrect.",
    en: "Incorrect email address or code.",
  },
  TOTP_CODE_REUSED: {
    status: 401,
    fr: "Ce code a déjà servi. Attendez le prochain code de votre application.",
    en: "This code was already used. Wait for the next code in your app.",
  },
  EMAIL_CODE_INVALID: {
    status: 401,
    fr: "Le code reçu par e-mail est incorrect ou a expiré. Demandez-en un nouveau.",
    en: "The code from the email is wrong or has expired. Ask for a new one.",
  },
  EMAIL_NOT_VERIFIED: {
    status: 403,
    fr: "Confirmez d'abord votre adresse e-mail avec le code que nous vous avons envoyé.",
    en: "First confirm your email address with the code we sent you.",
  },
  TOKEN_INVALID: { status: 401, fr: "Jeton d'accès invalide.", en: "Invalid access token." },
  TOKEN_EXPIRED: {
    status: 401,
    fr: "Votre session a expiré. Renouvelez le jeton d'accès.",
    en: "Your session has expired. Refresh the access token.",
  },
  REFRESH_TOKEN_INVALID: {
    status: 401,
    fr: "Jeton de renouvellement invalide ou expiré. Reconnectez-vous.",
    en: "Invalid or expired refresh token. Sign in again.",
  },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    fr: "Ce jeton de renouvellement a déjà servi : par sécurité, la session a été fermée. Reconnectez-vous.",
    en: "This refresh token was already used: for safety, the session was closed. Sign in again.",
  },
  SMS_RELAY_SIGNATURE_INVALID: {
    status: 401,
    fr: "Signature du relais SMS absente ou invalide (en-têtes X-Relay-Device et X-Relay-Signature).",
    en: "The SMS relay signature is missing or invalid (X-Relay-Device and X-Relay-Signature headers).",
  },
  SMS_RELAY_TIMESTAMP_INVALID: {
    status: 401,
    fr: "L'horodatage X-Relay-Timestamp est absent ou s'écarte de plus de 5 minutes de l'heure du serveur.",
    en: "The X-Relay-Timestamp header is missing or more than 5 minutes away from the server's clock.",
  },
  INSUFFICIENT_CREDITS: {
    status: 402,
    fr: "Votre solde de crédits ne suffit pas. Achetez des crédits puis réessayez.",
    en: "Your credit balance is too low. Buy credits, then try again.",
  },
  ACTIVATION_CODE_NOT_A_PLAN: {
    status: 409,
    fr: "Ce code n'active pas d'abonnement : utilisez-le depuis la page des codes d'activation.",
    en: "This code does not activate a subscription: use it from the activation codes page.",
  },
  ACTIVATION_CODE_INVALID: {
    status: 400,
    fr: "Ce code d'activation est mal saisi : vérifiez chaque caractère (12 caractères, sans 0, O, 1, I, L, U ni V).",
    en: "This activation code is mistyped: check each character (12 characters, no 0, O, 1, I, L, U or V).",
  },
  ACTIVATION_CODE_NOT_REDEEMABLE: {
    status: 404,
    fr: "Ce code d'activation ne peut pas être utilisé : il est inconnu, expiré, révoqué ou déjà épuisé.",
    en: "This activation code cannot be used: it is unknown, expired, revoked or used up.",
  },
  ACTIVATION_CODE_ALREADY_REDEEMED: {
    status: 409,
    fr: "Vous avez déjà utilisé ce code d'activation.",
    en: "You have already used this activation code.",
  },
  ACTIVATION_CODE_THROTTLED: {
    status: 429,
    fr: "Trop de codes d'activation refusés. Réessayez plus tard (voir Retry-After).",
    en: "Too many activation codes refused. Try again later (see Retry-After).",
  },
  REFUND_WINDOW_CLOSED: {
    status: 409,
    fr: "Le délai de remboursement de cet achat est dépassé.",
    en: "The refund window for this purchase has closed.",
  },
  PAYOUT_EXCEEDS_EARNINGS: {
    status: 409,
    fr: "Seuls les crédits gagnés par vos cours peuvent être versés : vous demandez plus que ce qu'il en reste.",
    en: "Only credits earned by your courses can be paid out: you are asking for more than what is left of them.",
  },
  SMS_RELAY_AMOUNT_MISMATCH: {
    status: 409,
    fr: "Le montant reçu n'est pas celui de cette demande de paiement.",
    en: "The amount received is not this payment request's amount.",
  },
  SMS_RELAY_NOT_IN_REVIEW: {
    status: 409,
    fr: "Ce SMS n'attend plus de décision : il est déjà rapproché, rejeté ou ignoré.",
    en: "This SMS no longer awaits a decision: it is already matched, rejected or ignored.",
  },
  PAYMENT_REQUIRED: {
    status: 402,
    fr: "Un achat est nécessaire pour accéder à cette ressource.",
    en: "A purchase is required to access this resource.",
  },
  FORBIDDEN: {
    status: 403,
    fr: "Vous n'avez pas accès à cette ressource.",
    en: "You do not have access to this resource.",
  },
  NOT_ENROLLED: {
    status: 403,
    fr: "Inscrivez-vous à ce cours pour accéder à son contenu.",
    en: "Enroll in this course to access its content.",
  },
  NOT_FOUND: { status: 404, fr: "Ressource introuvable.", en: "Resource not found." },
  MAGIC_LINK_INVALID: {
    status: 400,
    fr: "Ce lien de récupération n'est pas valide.",
    en: "This recovery link is not valid.",
  },
  MAGIC_LINK_EXPIRED: {
    status: 410,
    fr: "Ce lien de récupération a expiré. Demandez-en un nouveau.",
    en: "This recovery link has expired. Ask for a new one.",
  },
  MAGIC_LINK_USED: {
    status: 410,
    fr: "Ce lien de récupération a déjà servi. Demandez-en un nouveau.",
    en: "This recovery link was already used. Ask for a new one.",
  },
  ROUTE_NOT_FOUND: { status: 404, fr: "Cette adresse n'existe pas.", en: "This address does not exist." },
  METHOD_NOT_ALLOWED: { status: 405, fr: "Méthode non autorisée.", en: "Method not allowed." },
  CONFLICT: {
    status: 409,
    fr: "La ressource est dans un état incompatible.",
    en: "The resource is in a conflicting state.",
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    fr: "Une requête avec cette clé d'idempotence est déjà en cours.",
    en: "A request with this idempotency key is already in progress.",
  },
  SLUG_TAKEN: { status: 409, fr: "Cet identifiant (slug) est déjà pris.", en: "This slug is already taken." },
  NOT_DRAFT: {
    status: 409,
    fr: "Seul un brouillon peut être supprimé. Archivez-le plutôt.",
    en: "Only a draft can be deleted. Archive it instead.",
  },
  NOT_PUBLISHABLE: {
    status: 409,
    fr: "Ce contenu ne peut pas encore être publié : des éléments obligatoires manquent.",
    en: "This cannot be published yet: required parts are missing.",
  },
  IN_USE: {
    status: 409,
    fr: "Cet élément est encore utilisé ailleurs et ne peut pas être supprimé.",
    en: "This is still in use elsewhere and cannot be deleted.",
  },
  INVALID_TRANSITION: {
    status: 409,
    fr: "Ce changement d'état n'est pas permis.",
    en: "This status change is not allowed.",
  },
  COURSE_NOT_OPEN: {
    status: 409,
    fr: "Ce cours n'est pas ouvert aux inscriptions.",
    en: "This course is not open for enrollment.",
  },
  NO_INDEXED_CONTENT: {
    status: 409,
    fr: "Ce cours n'a encore aucun document indexé.",
    en: "This course has no indexed documents yet.",
  },
  NOT_READY: {
    status: 409,
    fr: "Ce traitement n'est pas encore terminé.",
    en: "This processing has not finished yet.",
  },
  AUDIO_NOT_READY: {
    status: 409,
    fr: "L'audio de cette section est en cours de préparation. Réessayez dans un instant.",
    en: "This section's audio is being prepared. Try again in a moment.",
  },
  QUIZ_NOT_READY: {
    status: 409,
    fr: "Les questions de ce quiz sont en cours de préparation. Réessayez dans un instant.",
    en: "This quiz's questions are being prepared. Try again in a moment.",
  },
  CASE_STUDY_NOT_READY: {
    status: 409,
    fr: "Cette étude de cas est en cours de préparation. Réessayez dans un instant.",
    en: "This case study is being prepared. Try again in a moment.",
  },
  ATTEMPT_FINISHED: {
    status: 409,
    fr: "Cette tentative est déjà terminée.",
    en: "This attempt is already finished.",
  },
  ITEM_NOT_CURRENT: {
    status: 409,
    fr: "Cette question n'est pas la question en cours.",
    en: "This is not the current question.",
  },
  QUIZ_COOLDOWN: {
    status: 409,
    fr: "Vous avez passé ce test récemment. Vous pourrez le repasser après le délai indiqué (retry_at).",
    en: "You took this test recently. You may take it again after the time given (retry_at).",
  },
  PLACEMENT_COOLDOWN: {
    status: 409,
    fr: "Vous avez passé le test de niveau récemment. Réessayez plus tard.",
    en: "You took the placement test recently. Try again later.",
  },
  PREASSESSMENT_UNAVAILABLE: {
    status: 409,
    fr: "Ce cours ne propose pas d'évaluation préalable pour le moment.",
    en: "This course offers no pre-assessment at the moment.",
  },
  PREASSESSMENT_TAKEN: {
    status: 409,
    fr: "Vous avez déjà passé l'évaluation préalable de ce cours : son résultat reste valable.",
    en: "You have already taken this course's pre-assessment: its result stands.",
  },
  TUTOR_CONVERSATION_ANSWERING: {
    status: 409,
    fr: "Le tuteur répond encore dans cette conversation. Vous pourrez la supprimer une fois sa réponse terminée.",
    en: "The tutor is still answering in this conversation. You can delete it once its answer is finished.",
  },
  PAYLOAD_TOO_LARGE: { status: 413, fr: "La requête est trop volumineuse.", en: "The request is too large." },
  FILE_TOO_LARGE: {
    status: 413,
    fr: "Le fichier dépasse la taille maximale autorisée.",
    en: "The file exceeds the maximum allowed size.",
  },
  FILE_TYPE_NOT_ALLOWED: {
    status: 415,
    // Documents and media accept different types: the problem's detail names them.
    fr: "Type de fichier non accepté (le détail indique les types acceptés).",
    en: "File type not accepted (the detail lists the accepted types).",
  },
  FILE_ENCRYPTED: {
    status: 422,
    fr: "Le document est protégé par un mot de passe. Déposez une version non chiffrée.",
    en: "The document is password-protected. Upload an unencrypted version.",
  },
  FILE_CORRUPT: {
    status: 422,
    fr: "Le fichier est illisible ou endommagé.",
    en: "The file is unreadable or damaged.",
  },
  FILE_EMPTY: {
    status: 422,
    fr: "Le fichier ne contient aucun texte exploitable.",
    en: "The file contains no usable text.",
  },
  FILE_DECOMPRESSION_BOMB: {
    status: 422,
    fr: "Le document se décompresse en un volume démesuré par rapport à sa taille : il est refusé.",
    en: "The document unpacks to a size out of all proportion to the file: it is refused.",
  },
  FILE_TEXT_TOO_LONG: {
    status: 422,
    fr: "Le document contient trop de texte. Découpez-le en plusieurs fichiers.",
    en: "The document holds too much text. Split it into several files.",
  },
  FILE_TOO_COMPLEX: {
    status: 422,
    fr: "La lecture du document dépasse les limites de temps ou de mémoire : simplifiez-le ou découpez-le.",
    en: "Reading the document exceeds the time or memory limits: simplify it or split it.",
  },
  IMAGE_NOT_READY: {
    status: 409,
    fr: "L'illustration n'est pas encore prête : réessayez dans un instant.",
    en: "The illustration is not ready yet: try again shortly.",
  },
  MEDIA_ORDER_MISMATCH: {
    status: 409,
    fr: "L'ordre doit citer chaque média du module une fois, et seulement eux.",
    en: "The order must list each of the module's media once, and only them.",
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    fr: "La plage d'octets demandée est hors du fichier.",
    en: "The requested byte range is outside the file.",
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, fr: "Type de contenu non pris en charge.", en: "Unsupported content type." },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    fr: "Cette clé d'idempotence a déjà servi pour une autre requête.",
    en: "This idempotency key was already used for a different request.",
  },
  LOCKED: { status: 423, fr: "Ce contenu est verrouillé.", en: "This content is locked." },
  MODULE_LOCKED: {
    status: 423,
    fr: "Ce module est verrouillé : terminez le module précédent (80 % de progression et 80 % de moyenne aux quiz).",
    en: "This module is locked: finish the previous module (80% progress and an 80% quiz average).",
  },
  AUTH_LOCKED: {
    status: 429,
    fr: "Trop de tentatives de connexion. Réessayez plus tard.",
    en: "Too many sign-in attempts. Try again later.",
  },
  RATE_LIMITED: {
    status: 429,
    fr: "Trop de requêtes. Réessayez dans quelques instants.",
    en: "Too many requests. Try again shortly.",
  },
  TOO_MANY_STREAMS: {
    status: 429,
    fr: "Trop de flux ouverts en même temps. Fermez-en un avant d'en ouvrir un autre.",
    en: "Too many streams open at once. Close one before opening another.",
  },
  TUTOR_LIMIT_REACHED: {
    status: 429,
    fr: "Vous avez utilisé tous vos messages au tuteur pour aujourd'hui. Ils reviennent demain (voir resets_at).",
    en: "You have used all of today's tutor messages. They come back tomorrow (see resets_at).",
  },
  TUTOR_ANSWERS_PENDING: {
    status: 429,
    fr: "Le tuteur répond encore à vos questions précédentes. Attendez une réponse avant d'en poser une autre.",
    en: "The tutor is still answering your previous questions. Wait for an answer before asking another.",
  },
  GENERATION_QUOTA_EXCEEDED: {
    status: 429,
    fr: "Vous avez atteint le nombre de nouvelles leçons générées aujourd'hui. Les leçons déjà prêtes restent accessibles ; réessayez demain.",
    en: "You have reached today's number of newly generated lessons. Lessons already prepared stay available; try again tomorrow.",
  },
  INTERNAL: { status: 500, fr: "Erreur interne du serveur.", en: "Internal server error." },
  GENERATION_FAILED: {
    status: 502,
    fr: "La génération du contenu a échoué. Réessayez dans un instant.",
    en: "Content generation failed. Try again in a moment.",
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    fr: "Service momentanément indisponible.",
    en: "Service temporarily unavailable.",
  },
  AUDIO_UNAVAILABLE: {
    status: 503,
    fr: "L'audio de cette leçon n'a pas pu être produit. Le texte reste disponible ; réessayez plus tard.",
    en: "This lesson's audio could not be produced. The text is still available; try again later.",
  },
  SMS_RELAY_NOT_CONFIGURED: {
    status: 503,
    fr: "Le relais SMS n'est pas configuré sur ce serveur.",
    en: "The SMS relay is not configured on this server.",
  },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One invalid field, named by its path (e.g. `country`, `items.0.rating`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** RFC 9457 problem details as Sira sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  retry_after?: number;
  [extension: string]: unknown;
}

export function errorMessage(code: ErrorCode, language: Language): string {
  return ERROR_CODES[code][language];
}

/** A failure with a stable code, thrown by domain code and turned into a 4xx by the API. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors?: FieldError[];
  /** Localised detail overriding the code's default message. */
  readonly details?: Partial<Record<Language, string>>;
  readonly retryAfterSeconds?: number;
  /**
   * Extension members of the problem (RFC 9457 §3.2), e.g. `resets_at` of a daily limit, or the
   * price and balance of a 402. Snake-case keys, plain values.
   */
  readonly extensions?: Readonly<Record<string, string | number | boolean | null>>;

  constructor(
    code: ErrorCode,
    options: {
      fieldErrors?: FieldError[];
      details?: Partial<Record<Language, string>>;
      retryAfterSeconds?: number;
      extensions?: Record<string, string | number | boolean | null>;
      cause?: unknown;
    } = {},
  ) {
    super(options.details?.en ?? ERROR_CODES[code].en, { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    if (options.fieldErrors) this.fieldErrors = options.fieldErrors;
    if (options.details) this.details = options.details;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.extensions !== undefined) this.extensions = options.extensions;
  }

  detail(language: Language): string {
    return this.details?.[language] ?? errorMessage(this.code, language);
  }
}

/** An error as the problem+json body every Sira service answers (RFC 9457). */
export function problemBody(error: AppError, language: Language, requestId?: string, instance?: string): Problem {
  const def = ERROR_CODES[error.code];
  return {
    // Extensions first: they never replace a standard member.
    ...error.extensions,
    type: `https://sira.africa/problems/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: def.en,
    status: def.status,
    code: error.code,
    detail: error.detail(language),
    ...(instance ? { instance } : {}),
    ...(requestId ? { request_id: requestId } : {}),
    ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retry_after: error.retryAfterSeconds } : {}),
  };
}
