/** Accent-folded FR and EN function words: they carry little meaning for matching a passage. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be by for from has have how in is it its of on or that the this to was were what " +
    "when where which who why will with do does can " +
    "au aux avec ce ces c d dans de des du elle en est et il ils l la le les leur lui mais n ne nous on ou " +
    "par pas pour qu que quel quelle quels quelles qui quoi comment s sa se ses son sont sur un une vous y"
  ).split(" "),
);
