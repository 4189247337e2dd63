// Host mode's WebSocket frames. Ordinary messages are JSON text. A message that carries Float64Arrays (a million
// bars' columns) goes as one binary frame instead, so bulk columns cross as their own bytes: writing 1,000,000 bars
// as JSON took ~0.85 s in main and reading it ~0.5 s on the page's main thread; as bytes both are a copy.
//
// Binary frame: [u32 LE n][n bytes of UTF-8 JSON][zero padding to a multiple of 8][the arrays' bytes, each at a
// multiple of 8]. In the JSON each Float64Array stands as {"$f64":[byteOffset, length]}, the offset counted from
// the start of the arrays' section. NaN survives (JSON would turn it into null). Electron's IPC needs none of
// this: structured clone carries typed arrays as they are.

const MARKER = '$f64';
const ALIGN = 8;

/** `message` as a WebSocket payload: JSON text, or bytes when it holds Float64Arrays. */
export function encodeMessage(message: unknown): string | Uint8Array {
  const arrays: Float64Array[] = [];
  let offset = 0;
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (!(value instanceof Float64Array)) return value;
    arrays.push(value);
    const at = offset;
    offset += value.byteLength; // a multiple of 8 already
    return { [MARKER]: [at, value.length] };
  });
  if (arrays.length === 0) return json;
  const header = new TextEncoder().encode(json);
  const dataStart = align(4 + header.length);
  const frame = new Uint8Array(dataStart + offset);
  new DataView(frame.buffer).setUint32(0, header.length, true);
  frame.set(header, 4);
  let at = dataStart;
  for (const array of arrays) {
    frame.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  return frame;
}

/**
 * A payload from `encodeMessage` back to the message. Arrays are views on the frame's own bytes (no copy) when
 * the frame is 8-byte aligned, as a browser's ArrayBuffer always is; otherwise they are copied.
 */
export function decodeMessage(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') return JSON.parse(data);
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 4)
    throw new Error(`binary message of ${bytes.length} bytes is too short for its header`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const dataStart = align(4 + headerLength);
  if (dataStart > bytes.length) {
    throw new Error(
      `binary message header of ${headerLength} bytes runs past its ${bytes.length}-byte frame`,
    );
  }
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + headerLength));
  const aligned = (bytes.byteOffset + dataStart) % ALIGN === 0;
  return JSON.parse(json, (_key, value: unknown) => {
    const place = arrayPlace(value);
    if (!place) return value;
    const [at, length] = place;
    const start = dataStart + at;
    if (start + length * 8 > bytes.length) {
      throw new Error(
        `binary message array at ${at} (${length} values) runs past its ${bytes.length}-byte frame`,
      );
    }
    return aligned
      ? new Float64Array(bytes.buffer, bytes.byteOffset + start, length)
      : new Float64Array(bytes.slice(start, start + length * 8).buffer);
  });
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** [byteOffset, length] when `value` is an array marker, else undefined. */
function arrayPlace(value: unknown): readonly [number, number] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const place = (value as Record<string, unknown>)[MARKER];
  if (!Array.isArray(place) || place.length !== 2 || Object.keys(value).length !== 1) return undefined;
  const [at, length] = place as unknown[];
  if (
    !Number.isSafeInteger(at) ||
    !Number.isSafeInteger(length) ||
    (at as number) < 0 ||
    (length as number) < 0
  )
    return undefined;
  if ((at as number) % ALIGN !== 0) return undefined;
  return [at as number, length as number];
}
