/**
 * Evens out the light on a photographed page. A photo's paper is brighter near the lamp and
 * darker in the corners, and the table shows around it; a single threshold (Tesseract's Otsu)
 * then turns the dim parts into speckles that its layout analysis takes for a picture, and the
 * text inside is lost. Dividing each pixel by the local paper brightness makes all paper white.
 */
import sharp from "sharp";

/** Share of a block's pixels that are darker than its paper (text rarely covers more than 15%). */
const PAPER_PERCENTILE = 0.85;

/** The brightness of the paper in each `block`×`block` cell: a high percentile of its pixels. */
function paperLevels(gray: Buffer, width: number, height: number, block: number) {
  const columns = Math.ceil(width / block);
  const rows = Math.ceil(height / block);
  const levels = Buffer.alloc(columns * rows);
  const histogram = new Uint32Array(256);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      histogram.fill(0);
      const x0 = column * block;
      const y0 = row * block;
      const x1 = Math.min(width, x0 + block);
      const y1 = Math.min(height, y0 + block);
      for (let y = y0; y < y1; y += 1) {
        for (let x = x0; x < x1; x += 1) {
          const value = gray[y * width + x] ?? 0;
          histogram[value] = (histogram[value] ?? 0) + 1;
        }
      }
      let below = Math.floor((x1 - x0) * (y1 - y0) * PAPER_PERCENTILE);
      let level = 0;
      while (level < 255 && below >= (histogram[level] ?? 0)) {
        below -= histogram[level] ?? 0;
        level += 1;
      }
      levels[row * columns + column] = level;
    }
  }
  return { levels, columns, rows };
}

/**
 * `gray` (one byte a pixel) divided by its smoothed paper brightness, so that paper is white
 * everywhere and ink keeps its contrast with it. `block` should span a few lines of text.
 */
export async function flattenBackground(gray: Buffer, width: number, height: number, block: number): Promise<Buffer> {
  const size = Math.max(8, Math.round(block));
  const { levels, columns, rows } = paperLevels(gray, width, height, size);
  // The cell grid, smoothed across neighbouring cells and stretched back to the image's size.
  const background = await sharp(levels, { raw: { width: columns, height: rows, channels: 1 } })
    .blur(columns > 2 && rows > 2 ? 0.8 : 0.3)
    .resize(width, height, { fit: "fill", kernel: "cubic" })
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  // gray × 255 / paper for every pair of levels, looked up rather than divided per pixel.
  const quotient = new Uint8Array(256 * 256);
  for (let paper = 0; paper < 256; paper += 1) {
    for (let level = 0; level < 256; level += 1) {
      quotient[paper * 256 + level] = Math.min(255, Math.round((level * 255) / Math.max(paper, 16)));
    }
  }
  const out = Buffer.alloc(width * height);
  for (let i = 0; i < out.length; i += 1) out[i] = quotient[(background[i] ?? 255) * 256 + (gray[i] ?? 255)] ?? 255;
  return out;
}
