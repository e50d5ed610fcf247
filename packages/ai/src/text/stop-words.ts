import type { Language } from "@sira/contracts";

/** Accent-folded FR and EN function words: they carry little meaning for matching a passage. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be by for from has have how in is it its of on or that the this to was were what " +
    "when where which who why will with do does can " +
    "au aux avec ce ces c d dans de des du elle en est et il ils l la le les leur lui mais n ne nous on ou " +
    "par pas pour qu que quel quelle quels quelles qui quoi comment s sa se ses son sont sur un une vous y"
  ).split(" "),
);

/**
 * Each language's function words, accent-folded, for ranking a document's own sentences: fuller
 * than STOP_WORDS (pronouns, auxiliaries, common adverbs), and kept apart so that "a" or "on"
 * count as stop words only in the language where they are one.
 */
export const STOP_WORDS_BY_LANGUAGE: Readonly<Record<Language, ReadonlySet<string>>> = {
  fr: new Set(
    (
      "a ai aie aient ainsi alors apres as au aucun aucune aupres aura aurait auront aussi autre autres aux avaient " +
      "avais avait avant avec avez avoir avons ayant c ca car ce ceci cela celle celles celui cependant certain " +
      "certaine certaines certains ces cet cette ceux chacun chaque chez ci comme comment d dans de deja depuis des " +
      "donc dont du elle elles en encore entre es est et etaient etais etait etant ete etre eu eux fait faire fois " +
      "font hors ici il ils j je jusqu l la le les leur leurs lors lorsqu lorsque lui m ma mais me meme memes mes " +
      "moi moins mon n ne ni nos notre nous on ont or ou par parce parmi pas peu peut peuvent plus plusieurs pour " +
      "pourquoi pourrait puis qu quand que quel quelle quelles quels qui quoi s sa sans sauf se selon ses si sien " +
      "soi soient sois soit sommes son sont sous souvent suis sur t ta tandis te tel telle telles tels tes toi ton " +
      "tous tout toute toutes tres tu un une unes uns vers via voici voila vos votre vous y"
    ).split(" "),
  ),
  en: new Set(
    (
      "a about above after again against all also am an and any are aren as at be because been before being below " +
      "between both but by can cannot could d did didn do does doesn doing don down during each either etc few for " +
      "from further had has have having he her here hers herself him himself his how however i if in into is isn it " +
      "its itself just ll may me might more most much must my myself no nor not now of off often on once one only or " +
      "other others our ours ourselves out over own per re s same shall she should so some such t than that the " +
      "their theirs them themselves then there these they this those through thus to too under until up upon us " +
      "ve very via was we well were what when where whether which while who whom whose why will with within " +
      "without would yet you your yours yourself yourselves"
    ).split(" "),
  ),
};
