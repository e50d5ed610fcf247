/**
 * A DOCX handout written with Word's styles: Title and Subtitle, heading 1, 2, 3 and 6, numbered
 * and bulleted lists (nested), emphasis and a table. `DOCX_HEADINGS` is its outline.
 */
import type { TestDocxContent } from "../docx-fixture.ts";

export const DOCX_HANDOUT: TestDocxContent[] = [
  { text: "Guide de l'agent de santé", style: "Title" },
  { text: "Édition du district, 2025", style: "Subtitle" },
  { text: "1. Le paludisme", heading: 1 },
  { text: "Le paludisme est transmis par la piqûre du moustique anophèle femelle.", emphasis: true },
  { text: "1.1 Prévention", heading: 2 },
  { text: "Trois gestes protègent la famille :" },
  { text: "Dormir sous une moustiquaire imprégnée", list: { numbered: true } },
  { text: "chaque nuit, toute l'année", list: { numbered: true, level: 1 } },
  { text: "Vider les eaux stagnantes", list: { numbered: true } },
  { text: "Consulter dès la fièvre", list: { numbered: true } },
  { text: "Signes d'alerte", heading: 3 },
  { text: "Fièvre", list: { numbered: false } },
  { text: "Frissons & sueurs", list: { numbered: false } },
  { text: "chez l'enfant : convulsions", list: { numbered: false, level: 1 } },
  { text: "2. Doses", heading: 1 },
  {
    table: [
      ["Âge", "Poids", "Comprimés"],
      ["1 à 5 ans", "10 à 18 kg", "1"],
      ["6 à 13 ans", "19 à 35 kg", "2"],
    ],
  },
  { text: "Note de bas de tableau", heading: 6 },
  { text: "La dose est donnée pendant trois jours." },
];

export const DOCX_HEADINGS: { title: string; level: number }[] = [
  { title: "Guide de l'agent de santé", level: 1 },
  { title: "1. Le paludisme", level: 1 },
  { title: "1.1 Prévention", level: 2 },
  { title: "Signes d'alerte", level: 3 },
  { title: "2. Doses", level: 1 },
  { title: "Note de bas de tableau", level: 6 },
];
