import { describe, expect, test } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/shared/api/wire';

describe('the WebSocket wire format', () => {
  test('a message without Float64Arrays is plain JSON text', () => {
    const message = { id: 3, result: { ok: true, value: { rows: [1, 2.5, null], name: 'ACME' } } };
    const payload = encodeMessage(message);
    expect(payload).toBe(JSON.stringify(message));
    expect(decodeMessage(payload)).toEqual(message);
  });

  test('columns travel as bytes and come back equal, NaN and all, with the rest of the message intact', () => {
    const close = new Float64Array([101.25, 101.5, Number.NaN, -0.000_001, 1e300]);
    const time = new Float64Array([1_700_000_000_000, 1_700_000_060_000, 1_700_000_120_000]);
    const message = {
      id: 7,
      result: {
        ok: true,
        value: { symbol: 'ACME', length: 3, time, close, lines: [{ name: 'SMA 2', values: close }] },
      },
    };
    const payload = encodeMessage(message);
    expect(payload).toBeInstanceOf(Uint8Array);
    const bytes = payload as Uint8Array;
    // Header length, then JSON, then the arrays 8-byte aligned: 5 + 3 + 5 doubles after the padded header.
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(bytes.length).toBe(Math.ceil((4 + headerLength) / 8) * 8 + (5 + 3 + 5) * 8);

    const back = decodeMessage(bytes.slice().buffer) as typeof message;
    expect(back.id).toBe(7);
    expect(back.result.value.symbol).toBe('ACME');
    expect(back.result.value.time).toBeInstanceOf(Float64Array);
    expect(Array.from(back.result.value.time)).toEqual(Array.from(time));
    expect(Object.is(back.result.value.close[2], Number.NaN)).toBe(true);
    expect(back.result.value.close[3]).toBe(-0.000_001);
    expect(back.result.value.close[4]).toBe(1e300);
    expect(Array.from(back.result.value.lines[0]!.values).map(String)).toEqual(Array.from(close).map(String));
  });

  test('a view into a larger buffer sends only its own values', () => {
    const whole = new Float64Array([1, 2, 3, 4, 5, 6]);
    const back = decodeMessage(encodeMessage({ part: whole.subarray(2, 4) })) as { part: Float64Array };
    expect(Array.from(back.part)).toEqual([3, 4]);
  });

  test('the arrays are views on the received buffer when it is aligned, copies when it is not', () => {
    const payload = encodeMessage({ values: new Float64Array([1.5, 2.5]) }) as Uint8Array;
    const aligned = payload.slice().buffer;
    const viewed = decodeMessage(aligned) as { values: Float64Array };
    expect(viewed.values.buffer).toBe(aligned);

    // The same bytes one byte into a bigger buffer (as a Node Buffer from a pool may be).
    const shifted = new Uint8Array(payload.length + 1);
    shifted.set(payload, 1);
    const copied = decodeMessage(shifted.subarray(1)) as { values: Float64Array };
    expect(Array.from(copied.values)).toEqual([1.5, 2.5]);
    expect(copied.values.buffer).not.toBe(shifted.buffer);
  });

  test('an object that merely looks like a marker stays an object', () => {
    const payload = encodeMessage({
      a: new Float64Array([1]),
      b: { $f64: [0, 1], other: true },
      c: { $f64: [3, 1] },
    });
    const back = decodeMessage(payload) as Record<string, unknown>;
    expect(back.b).toEqual({ $f64: [0, 1], other: true });
    expect(back.c).toEqual({ $f64: [3, 1] });
  });

  test('a truncated or corrupt frame is refused in words', () => {
    const payload = encodeMessage({ values: new Float64Array(4) }) as Uint8Array;
    expect(() => decodeMessage(payload.subarray(0, 2))).toThrow('too short for its header');
    expect(() => decodeMessage(payload.slice(0, payload.length - 8))).toThrow(/runs past its \d+-byte frame/);
    const lying = payload.slice();
    new DataView(lying.buffer).setUint32(0, 1_000_000, true);
    expect(() => decodeMessage(lying)).toThrow('header of 1000000 bytes runs past');
  });
});
