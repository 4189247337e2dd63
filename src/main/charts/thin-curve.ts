// Thins a long curve for display: per bucket keep the lowest and the highest point, so drawdowns and peaks survive.

/** Indices (ascending) of at most about `maxPoints` points of `values[0..length)`, always the first and the last. */
export function thinIndices(values: Float64Array, length: number, maxPoints: number): Uint32Array {
  if (length <= maxPoints) {
    const all = new Uint32Array(length);
    for (let i = 0; i < length; i++) all[i] = i;
    return all;
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const size = (length - 2) / buckets;
  const out = new Uint32Array(buckets * 2 + 2);
  let n = 0;
  out[n++] = 0;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor(b * size);
    const end = Math.min(length - 1, 1 + Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    out[n++] = Math.min(lo, hi);
    if (hi !== lo) out[n++] = Math.max(lo, hi);
  }
  out[n++] = length - 1;
  return out.subarray(0, n);
}

export function pick(values: Float64Array, indices: Uint32Array): number[] {
  const out = new Array<number>(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]!]!;
  return out;
}
