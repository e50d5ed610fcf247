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
