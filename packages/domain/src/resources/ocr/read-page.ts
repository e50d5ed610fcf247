/**
 * Reads a prepared page. Tesseract's page layout analysis sometimes takes a grainy page for a
 * picture and drops its paragraphs (while tuning on generated photos, some grey readings came
 * back empty where the black-and-white one read 0.99). When a reading finds far fewer lines than
 * the page was seen to have, or reads them with low confidence, the page is read again in black
 * and white, and the reading with more confidently read text is kept.
 */
import { binaryPng, grayPng, type PreparedImage } from "./prepare-image.ts";
import { type OcrResult, type RecognizeOptions, recognize } from "./tesseract.ts";

/** A reading with fewer lines than this share of the rows seen has lost some. */
const LINES_FOUND = 0.7;

/** Characters read, each counted by its line's confidence. */
function confidentCharacters(result: OcrResult): number {
  return result.lines.reduce((sum, line) => sum + line.text.length * line.confidence, 0);
}

function seemsIncomplete(result: OcrResult, prepared: PreparedImage): boolean {
  return result.lowConfidence || result.lines.length < LINES_FOUND * prepared.textLines;
}

/** The text of a prepared page, read once, or twice when the first reading seems to have lost text. */
export async function readPreparedPage(prepared: PreparedImage, options: RecognizeOptions = {}): Promise<OcrResult> {
  const first = await recognize(await grayPng(prepared), options);
  if (!seemsIncomplete(first, prepared)) return first;
  const second = await recognize(await binaryPng(prepared), options);
  return confidentCharacters(second) > confidentCharacters(first) ? second : first;
}
