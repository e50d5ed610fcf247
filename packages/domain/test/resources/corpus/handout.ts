/**
 * A French course handout on A5 pages, one column: running header and page numbers, two heading
 * levels, a numbered list of steps at body size, a hyphenated body and a labelled diagram.
 */
import type { Element } from "./pdf-flow.ts";
import { buildPdf } from "./pdf-flow.ts";

export const HANDOUT_HEADER = "Agronomie sahélienne – Licence 2 – Fiche de cours";

export const HANDOUT_HEADINGS: { title: string; level: number }[] = [
  { title: "1 Les sols sableux", level: 1 },
  { title: "1.1 Structure et texture", level: 2 },
  { title: "1.2 Matière organique", level: 2 },
  { title: "2 La technique du zaï", level: 1 },
  { title: "2.1 Préparer les poquets", level: 2 },
  { title: "3 Suivi de la parcelle", level: 1 },
];

export const HANDOUT_FIGURE_LABELS = ["Pluie", "Poquet", "Fumier", "Racines", "Nappe", "Croûte"];

export const HANDOUT_ELEMENTS: Element[] = [
  { kind: "heading", level: 1, text: "1 Les sols sableux" },
  {
    kind: "paragraph",
    text: "Les sols du Sahel sont en majorité sableux. Ils se travaillent facilement, mais ils retiennent mal l'eau et les éléments nutritifs. Après quelques années de culture sans apport organique, leur fertilité diminue nettement et les rendements du mil baissent.",
  },
  { kind: "heading", level: 2, text: "1.1 Structure et texture" },
  {
    kind: "paragraph",
    text: "La texture décrit la proportion de sable, de limon et d'argile. Un sol très sableux laisse l'eau s'infiltrer rapidement vers la profondeur, hors de portée des racines. En surface, une croûte de battance se forme souvent après les premières pluies et empêche l'infiltration.",
  },
  { kind: "heading", level: 2, text: "1.2 Matière organique" },
  {
    kind: "paragraph",
    text: "La matière organique nourrit les organismes du sol et améliore sa capacité de rétention. Le fumier, le compost et les résidus de récolte en sont les principales sources disponibles dans les exploitations familiales.",
  },
  {
    kind: "figure",
    labels: HANDOUT_FIGURE_LABELS,
    caption: "Figure 1 : Coupe d'un poquet de zaï et circulation de l'eau de pluie.",
  },
  { kind: "heading", level: 1, text: "2 La technique du zaï" },
  {
    kind: "paragraph",
    text: "Le zaï est une pratique traditionnelle de récupération des terres dégradées. Elle consiste à creuser de petites cuvettes où l'on concentre l'eau de ruissellement et la fumure organique, au pied de chaque plant.",
  },
  { kind: "heading", level: 2, text: "2.1 Préparer les poquets" },
  { kind: "paragraph", text: "La préparation se fait pendant la saison sèche, selon les étapes suivantes :" },
  {
    kind: "list",
    items: [
      "Creuser des poquets de vingt centimètres de diamètre.",
      "Déposer deux poignées de fumier dans chaque poquet.",
      "Semer après la première pluie utile de la saison.",
    ],
  },
  { kind: "heading", level: 1, text: "3 Suivi de la parcelle" },
  {
    kind: "paragraph",
    text: "Chaque semaine, l'agriculteur note la hauteur des pluies, l'état des plants et les attaques de ravageurs. Ces observations permettent de comparer les parcelles traitées et les parcelles témoins, et de décider des interventions nécessaires avant la récolte.",
  },
];

export function handoutPdf(): Promise<Uint8Array> {
  return buildPdf(HANDOUT_ELEMENTS, {
    columns: 1,
    size: { width: 420, height: 595 },
    header: HANDOUT_HEADER,
    hyphenate: true,
  });
}
