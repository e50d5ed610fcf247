/** Where each kind of unit is studied. */
export function unitHref(moduleId: string, unit: { id: string; unit_type: string }): string {
  switch (unit.unit_type) {
    case "quiz":
      return `/modules/${moduleId}/quiz`;
    case "case_study":
      return `/modules/${moduleId}/cases/${unit.id}`;
    case "flashcards":
      return `/modules/${moduleId}/flashcards?unit=${unit.id}`;
    default:
      return `/modules/${moduleId}/lessons/${unit.id}`;
  }
}

/**
 * A `next` (or referer) as a path of this app: resolved as the browser would (`/\evil.example` is
 * another host), kept only on `origin`, else home. Leading slashes collapse: `//x` is a host too.
 */
export function safeNext(next: string | null | undefined, origin: string): string {
  if (!next) return "/";
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return "/";
    return `/${url.pathname.replace(/^\/+/, "")}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
