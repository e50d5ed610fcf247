/**
 * The tilt of a photographed page and the spacing of its text lines, measured without reading it.
 * Rows of text alternate dark and light: the row profile of the ink is sharpest when it is taken
 * along the lines (that angle is the tilt), and its period is the line spacing. Tesseract's page
 * layout analysis loses whole paragraphs of a page turned by as little as 1.5°, and reads text
 * best at one size: the photo is turned and scaled from these two figures.
 */

export interface PageGeometry {
  /** Degrees the lines go down from left to right (clockwise tilt); 0 when there is no text. */
  skewDegrees: number;
  /** Distance between text lines in pixels; null when no regular lines were found. */
  linePitch: number | null;
  /** Rows of text counted on the page (0 when no regular lines were found). */
  textLines: number;
}

/** A pixel is ink when darker than this share of the paper's brightness around it. */
const INK_RATIO = 0.75;
const MAX_SKEW = 6;
/** Ink pixels sampled for the tilt search (more only slow it down). */
const MAX_INK_SAMPLES = 300_000;
/** The line spacings that can be found (in pixels of the measured image). */
const MIN_LAG = 6;
const MAX_LAG = 160;
/** Autocorrelation a window needs at its best lag to count as lines of text. */
const MIN_PERIODICITY = 0.3;
/** Root mean square of a window's (square-rooted) ink share per row below which it holds no text. */
const MIN_INK_VARIATION = 0.05;

/** Coordinates of ink pixels. */
interface Ink {
  xs: Int32Array;
  ys: Int32Array;
}

/** Ink pixels of a flattened (paper = 255) grey image, sampled evenly. */
function inkPixels(flat: Buffer, width: number, height: number): Ink {
  const threshold = 255 * INK_RATIO;
  let count = 0;
  for (const value of flat) if (value < threshold) count += 1;
  const step = Math.max(1, Math.ceil(count / MAX_INK_SAMPLES));
  const xs = new Int32Array(Math.ceil(count / step));
  const ys = new Int32Array(xs.length);
  let seen = 0;
  let kept = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if ((flat[y * width + x] ?? 255) >= threshold) continue;
      if (seen % step === 0 && kept < xs.length) {
        xs[kept] = x;
        ys[kept] = y;
        kept += 1;
      }
      seen += 1;
    }
  }
  return { xs: xs.subarray(0, kept), ys: ys.subarray(0, kept) };
}

/** Ink per row when rows are taken along lines tilted by `degrees`. */
function profileAt(ink: Ink, width: number, height: number, degrees: number) {
  const slope = Math.tan((degrees * Math.PI) / 180);
  const offset = Math.ceil(Math.abs(slope) * width);
  const profile = new Float64Array(height + 2 * offset);
  for (let i = 0; i < ink.xs.length; i += 1) {
    const row = Math.round((ink.ys[i] ?? 0) - (ink.xs[i] ?? 0) * slope) + offset;
    profile[row] = (profile[row] ?? 0) + 1;
  }
  return profile;
}

function sharpness(profile: Float64Array): number {
  let sum = 0;
  for (const value of profile) sum += value * value;
  return sum;
}

/** The angle in [from, to] (by `step`) whose row profile is sharpest. */
function sharpestAngle(ink: Ink, width: number, height: number, from: number, to: number, step: number): number {
  let best = 0;
  let bestScore = -1;
  for (let angle = from; angle <= to + 1e-9; angle += step) {
    const score = sharpness(profileAt(ink, width, height, angle));
    if (score > bestScore) {
      bestScore = score;
      best = angle;
    }
  }
  return best;
}

/** The tilt, to 0.05°: a search by quarter degrees, then a finer one around the best. */
function findSkew(ink: Ink, width: number, height: number): number {
  const coarse = sharpestAngle(ink, width, height, -MAX_SKEW, MAX_SKEW, 0.25);
  const fine = sharpestAngle(ink, width, height, coarse - 0.25, coarse + 0.25, 0.05);
  return Math.round(fine * 100) / 100 || 0;
}

/**
 * The period of one window of a profile: the first lag whose normalised autocorrelation is a
 * clear peak (a multiple of the period correlates almost as well, so the first one is taken).
 */
function windowPeriod(signal: Float64Array, from: number, to: number): number | null {
  let mean = 0;
  for (let i = from; i < to; i += 1) mean += signal[i] ?? 0;
  mean /= to - from;
  let energy = 0;
  for (let i = from; i < to; i += 1) energy += ((signal[i] ?? 0) - mean) ** 2;
  if (Math.sqrt(energy / (to - from)) < MIN_INK_VARIATION) return null;
  const correlation = new Float64Array(MAX_LAG + 2);
  for (let lag = MIN_LAG - 1; lag <= MAX_LAG + 1; lag += 1) {
    let sum = 0;
    for (let i = from; i + lag < to; i += 1) sum += ((signal[i] ?? 0) - mean) * ((signal[i + lag] ?? 0) - mean);
    correlation[lag] = sum / energy;
  }
  let best = 0;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag += 1) best = Math.max(best, correlation[lag] ?? 0);
  if (best < MIN_PERIODICITY) return null;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag += 1) {
    const value = correlation[lag] ?? 0;
    const isPeak = value >= (correlation[lag - 1] ?? 0) && value >= (correlation[lag + 1] ?? 0);
    if (isPeak && value >= 0.6 * best) return lag;
  }
  return null;
}

/** The lowest value of `values` within `radius` of each index. */
function runningMinimum(values: Float64Array, radius: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    let lowest = Number.POSITIVE_INFINITY;
    for (let k = Math.max(0, i - radius); k <= Math.min(values.length - 1, i + radius); k += 1) {
      lowest = Math.min(lowest, values[k] ?? 0);
    }
    out[i] = lowest;
  }
  return out;
}

/** The median period over windows of a few lines that hold text (null when none does). */
function findLinePitch(profile: Float64Array, width: number): number | null {
  // Less the ink every row has (vertical page edges, rules), and square-rooted: a page edge
  // across the photo is a row of solid ink, and must not outweigh the lines of text.
  const floor = runningMinimum(profile, MAX_LAG / 2);
  const share = profile.map((count, i) => Math.sqrt(Math.max(0, count - (floor[i] ?? 0)) / width));
  const windowRows = 4 * MAX_LAG;
  const periods: number[] = [];
  for (let top = 0; top + windowRows / 2 < share.length; top += windowRows / 2) {
    const period = windowPeriod(share, top, Math.min(share.length, top + windowRows));
    if (period !== null) periods.push(period);
  }
  if (periods.length === 0) return null;
  periods.sort((a, b) => a - b);
  return periods[Math.floor(periods.length / 2)] ?? null;
}

/**
 * Rows of text: peaks of the row profile at least 0.6 line apart. The profile is smoothed over a
 * quarter line (the parts of a letter make one peak), less its lowest value within a line either
 * side (the ink of vertical page edges and rules, in every row); a peak must reach 30% of a
 * typical row with ink (their median, so neither a dark edge nor blank paper sets the scale).
 */
function countTextLines(profile: Float64Array, pitch: number): number {
  const radius = Math.max(1, Math.round(pitch / 4));
  const prefix = new Float64Array(profile.length + 1);
  for (let i = 0; i < profile.length; i += 1) prefix[i + 1] = (prefix[i] ?? 0) + (profile[i] ?? 0);
  const smoothed = new Float64Array(profile.length);
  for (let i = 0; i < profile.length; i += 1) {
    const lo = Math.max(0, i - radius);
    const hi = Math.min(profile.length, i + radius + 1);
    smoothed[i] = ((prefix[hi] ?? 0) - (prefix[lo] ?? 0)) / (hi - lo);
  }
  const lowest = runningMinimum(smoothed, Math.round(pitch));
  const lines = smoothed.map((value, i) => value - (lowest[i] ?? 0));
  const highest = lines.reduce((max, value) => Math.max(max, value), 0);
  const inked = Array.from(lines.filter((value) => value > 0.02 * highest)).sort((a, b) => a - b);
  const floor = 0.3 * (inked[Math.floor(inked.length / 2)] ?? 0);
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length - 1; i += 1) {
    const value = lines[i] ?? 0;
    const isPeak = value >= (lines[i - 1] ?? 0) && value > (lines[i + 1] ?? 0);
    if (!isPeak || value < floor || i - last < 0.6 * pitch) continue;
    count += 1;
    last = i;
  }
  return count;
}

/**
 * Tilt and line spacing of a grey image whose paper has been flattened to white (see
 * flatten-background.ts), one byte a pixel.
 */
export function measurePageGeometry(flat: Buffer, width: number, height: number): PageGeometry {
  const ink = inkPixels(flat, width, height);
  if (ink.xs.length === 0) return { skewDegrees: 0, linePitch: null, textLines: 0 };
  const skewDegrees = findSkew(ink, width, height);
  const profile = profileAt(ink, width, height, skewDegrees);
  const linePitch = findLinePitch(profile, width);
  if (linePitch === null) return { skewDegrees: 0, linePitch: null, textLines: 0 };
  return { skewDegrees, linePitch, textLines: countTextLines(profile, linePitch) };
}
