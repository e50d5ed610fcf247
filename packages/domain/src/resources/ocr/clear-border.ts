/**
 * Whitens what lies around a photographed page: the table or the floor at the photo's edges,
 * and the page's own shadowed edge. Tesseract sees a dark frame around the text as a picture
 * that contains it, and then reports an empty page. What is cleared: dark regions (below the
 * Otsu threshold, the one Tesseract applies) that touch the image's edge and span at least a
 * tenth of its width or height, so that a letter cut by a tight crop is kept.
 */

const MIN_SPAN = 0.1;

/** Otsu's threshold of a grey image: the level that best separates its dark and light pixels. */
export function otsuThreshold(gray: Buffer): number {
  const histogram = new Float64Array(256);
  for (const value of gray) histogram[value] = (histogram[value] ?? 0) + 1;
  let total = 0;
  for (let level = 0; level < 256; level += 1) total += level * (histogram[level] ?? 0);
  let darkCount = 0;
  let darkSum = 0;
  let best = 0;
  let threshold = 128;
  for (let level = 0; level < 256; level += 1) {
    darkCount += histogram[level] ?? 0;
    darkSum += level * (histogram[level] ?? 0);
    const lightCount = gray.length - darkCount;
    if (darkCount === 0 || lightCount === 0) continue;
    const between = darkCount * lightCount * (darkSum / darkCount - (total - darkSum) / lightCount) ** 2;
    if (between > best) {
      best = between;
      threshold = level + 1;
    }
  }
  return threshold;
}

/** `gray` (one byte a pixel, changed in place) with the large dark regions at its edge whitened. */
export function clearBorder(gray: Buffer, width: number, height: number): Buffer {
  const threshold = otsuThreshold(gray);
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const push = (next: number, tail: number): number => {
    if (seen[next] || (gray[next] ?? 255) >= threshold) return tail;
    seen[next] = 1;
    queue[tail] = next;
    return tail + 1;
  };
  const fill = (start: number) => {
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    let [minX, maxX, minY, maxY] = [width, 0, height, 0];
    while (head < tail) {
      const at = queue[head++] ?? 0;
      const x = at % width;
      const y = (at - x) / width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      if (x > 0) tail = push(at - 1, tail);
      if (x < width - 1) tail = push(at + 1, tail);
      if (y > 0) tail = push(at - width, tail);
      if (y < height - 1) tail = push(at + width, tail);
    }
    if (maxX - minX + 1 >= width * MIN_SPAN || maxY - minY + 1 >= height * MIN_SPAN) {
      for (let i = 0; i < tail; i += 1) gray[queue[i] ?? 0] = 255;
    }
  };
  const visit = (at: number) => {
    if (!seen[at] && (gray[at] ?? 255) < threshold) fill(at);
  };
  for (let x = 0; x < width; x += 1) {
    visit(x);
    visit((height - 1) * width + x);
  }
  for (let y = 0; y < height; y += 1) {
    visit(y * width);
    visit(y * width + width - 1);
  }
  return gray;
}
