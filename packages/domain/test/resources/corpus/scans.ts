/**
 * Scanned documents for the OCR tests, the corpus report and the benchmark, built from scratch:
 * prose typeset with sharp (SVG text in DejaVu, which the set-up script installs), then either
 * embedded as the only content of a PDF page (a scan: no text layer) or degraded like a phone
 * photo of a handout (slight rotation, blur, grey uneven paper, sensor noise, JPEG).
 *
 *   const scan = await scannedPdf([SCAN_PROSE.fr, SCAN_PROSE.en]);   // two pages, no text layer
 *   const photo = await handoutPhoto(SCAN_PROSE.fr);                  // JPEG bytes
 *
 * The prose is written for these tests (no third-party text).
 */
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { prng } from "../../../../algorithms/test/random.ts";

export interface ScanProse {
  language: "fr" | "en";
  title: string;
  paragraphs: string[];
}

export const SCAN_PROSE = {
  fr: {
    language: "fr",
    title: "La saison des pluies au Sahel",
    paragraphs: [
      "La saison des pluies commence en juin dans la plupart des régions du Sahel. Dès les premières " +
        "averses, les agriculteurs préparent leurs champs : ils sèment le mil, le sorgho et l'arachide, " +
        "puis surveillent la levée des jeunes plants. Une bonne récolte dépend autant de la régularité " +
        "des pluies que de la qualité des semences. Pour limiter les pertes, les coopératives conseillent " +
        "d'alterner les cultures, de garder une réserve d'eau près du village et de noter chaque semaine " +
        "la hauteur des précipitations dans un cahier où l'on reçoit aussi les prix du marché.",
    ],
  },
  en: {
    language: "en",
    title: "Clean water at school",
    paragraphs: [
      "Clean water is the first defence against many childhood illnesses. In rural schools, a simple " +
        "filter made of sand, gravel and charcoal can remove most of the dirt and a large share of the " +
        "germs found in river water. The filter must be cleaned every week, and the water should still " +
        "be boiled or treated with a few drops of bleach before it is drunk. Teachers can show their " +
        "pupils how to build one, test it with a clear bottle, and keep a record of how the water looks " +
        "each day, which turns a health lesson into a small science project.",
    ],
  },
} as const satisfies Record<string, ScanProse>;

/** The words a perfect reading of `prose` gives, whitespace-normalised. */
export function expectedText(prose: ScanProse): string {
  return [prose.title, ...prose.paragraphs].join(" ").replace(/\s+/g, " ").trim();
}

/** A4 at 300 dpi, the size of a page from a flatbed scanner. */
const A4_300DPI = { width: 2480, height: 3508 };
const A4_POINTS = { width: 595.28, height: 841.89 };

export interface RenderOptions {
  width?: number;
  height?: number;
  /** Body font size in pixels; 42 px is 10 pt at 300 dpi. */
  fontSize?: number;
  font?: "DejaVu Serif" | "DejaVu Sans";
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");
}

/** Greedy word wrap on an average glyph width that DejaVu's widest prose does not exceed. */
function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The prose typeset black on white as a grayscale PNG: a bold title, then the paragraphs. */
export async function renderProsePage(prose: ScanProse, options: RenderOptions = {}): Promise<Buffer> {
  const { width, height } = { ...A4_300DPI, ...options };
  const fontSize = options.fontSize ?? Math.round(width / 59);
  const font = options.font ?? "DejaVu Serif";
  const margin = Math.round(width * 0.1);
  const lineHeight = Math.round(fontSize * 1.45);
  const maxChars = Math.floor((width - 2 * margin) / (fontSize * 0.6));
  const rows: string[] = [];
  let y = margin + Math.round(fontSize * 1.4);
  rows.push(
    `<text x="${margin}" y="${y}" font-family="${font}" font-size="${Math.round(fontSize * 1.4)}" font-weight="bold">${escapeXml(prose.title)}</text>`,
  );
  y += Math.round(lineHeight * 1.8);
  for (const paragraph of prose.paragraphs) {
    for (const line of wrap(paragraph, maxChars)) {
      rows.push(`<text x="${margin}" y="${y}" font-family="${font}" font-size="${fontSize}">${escapeXml(line)}</text>`);
      y += lineHeight;
    }
    y += lineHeight;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${rows.join("")}</g></svg>`;
  return sharp(Buffer.from(svg)).toColourspace("b-w").png().toBuffer();
}

/** A PDF whose pages are images only (PNG or JPEG), each filling an A4 page: a scan. */
export async function pdfOfImages(images: Buffer[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (const bytes of images) {
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    const image = isJpeg ? await pdf.embedJpg(bytes) : await pdf.embedPng(bytes);
    const page = pdf.addPage([A4_POINTS.width, A4_POINTS.height]);
    page.drawImage(image, { x: 0, y: 0, width: A4_POINTS.width, height: A4_POINTS.height });
  }
  return pdf.save();
}

/** A scanned PDF with one page per prose, in order. */
export async function scannedPdf(proses: ScanProse[]): Promise<Uint8Array> {
  return pdfOfImages(await Promise.all(proses.map((prose) => renderProsePage(prose))));
}

/** Gaussian-ish noise (sum of three uniforms) centred on 0, amplitude ±`amplitude`. */
function noisePixels(width: number, height: number, amplitude: number, seed: number): Buffer {
  const random = prng(seed);
  const pixels = Buffer.alloc(width * height);
  for (let i = 0; i < pixels.length; i += 1) {
    const centred = (random() + random() + random()) / 3 - 0.5;
    pixels[i] = 128 + Math.round(centred * 2 * amplitude);
  }
  return pixels;
}

export interface PhotoOptions {
  /** Degrees, clockwise. */
  rotation?: number;
  blurSigma?: number;
  /** Width of the photo in pixels; the text is about 1/60 of it, as on a page filling the frame. */
  width?: number;
  /** Sensor noise, in grey levels either side of the true value. */
  noise?: number;
  seed?: number;
  quality?: number;
}

/**
 * A phone photo of a printed handout: the page rendered, turned slightly, blurred, on grey paper
 * lit unevenly, with sensor noise, saved as a JPEG.
 */
export async function handoutPhoto(prose: ScanProse, options: PhotoOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = Math.round(width * 1.3);
  const rotation = options.rotation ?? 1.5;
  const seed = options.seed ?? 11;
  const page = await renderProsePage(prose, { width, height, font: "DejaVu Sans" });
  // Ink darkens grey paper: paper goes to ~185, ink to ~45, with a light gradient across the frame.
  const inked = await sharp(page)
    .linear(140 / 255, 45)
    .rotate(rotation, { background: { r: 160, g: 160, b: 160 } })
    .resize(width, height, { fit: "cover" })
    .blur(options.blurSigma ?? 1.1)
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  const noise = noisePixels(width, height, options.noise ?? 16, seed);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const light = 1 - 0.12 * (y / height) - 0.06 * Math.sin((Math.PI * y) / height);
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const value = Math.max(0, Math.min(255, (inked[i] ?? 0) * light + ((noise[i] ?? 128) - 128)));
      // A warm tint, as under indoor light.
      pixels[i * 3] = Math.min(255, value + 8);
      pixels[i * 3 + 1] = value;
      pixels[i * 3 + 2] = Math.max(0, value - 10);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 80 })
    .toBuffer();
}

/** Paper with nothing printed on it, scanned at 150 dpi: white with faint noise and a few specks. */
export async function blankScan(seed = 5): Promise<Buffer> {
  const width = A4_300DPI.width / 2;
  const height = A4_300DPI.height / 2;
  const noise = noisePixels(width, height, 12, seed);
  const random = prng(seed + 1);
  for (let i = 0; i < noise.length; i += 1) noise[i] = Math.min(255, (noise[i] ?? 0) + 115);
  for (let speck = 0; speck < 40; speck += 1) {
    const x = Math.floor(random() * (width - 4));
    const y = Math.floor(random() * (height - 4));
    for (let dy = 0; dy < 3; dy += 1) for (let dx = 0; dx < 3; dx += 1) noise[(y + dy) * width + x + dx] = 40;
  }
  return sharp(noise, { raw: { width, height, channels: 1 } })
    .toColourspace("b-w")
    .png()
    .toBuffer();
}

/** A photo of nothing legible: coarse random noise, as from a lens cap or a dark room. */
export async function noisePhoto(seed = 9): Promise<Buffer> {
  const width = 1200;
  const height = 900;
  return sharp(noisePixels(width, height, 127, seed), { raw: { width, height, channels: 1 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
