// Deterministic identifiers: UUID-shaped ids from a seeded generator (orders, executions) or from a name (assets,
// accounts), so two runs with the same seed and the same requests hand out the same ids.
import { type Random, seededRandom } from '../../src/shared/random';

function hex32(random: Random): string {
  return Math.floor(random.next() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

function format(words: readonly string[]): string {
  const h = words.join('');
  // Version 4 and the RFC 4122 variant, so the ids look like what Alpaca sends.
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class IdSource {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = seededRandom(seed ^ 0x1d5eed);
  }

  uuid(): string {
    return format([hex32(this.random), hex32(this.random), hex32(this.random), hex32(this.random)]);
  }
}

/** FNV-1a over `text`, then a seeded generator: the same name always gives the same UUID. */
export function stableUuid(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return new IdSource(hash >>> 0).uuid();
}

/** An Alpaca-looking key pair derived from a seed and a label: `PK…` (paper) or `AK…` (live), 20 + 40 chars. */
export function keyPair(seed: number, label: string, live: boolean): { keyId: string; secret: string } {
  const random = seededRandom((seed ^ stableHash(label)) >>> 0);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const secretAlphabet = `${alphabet}abcdefghijklmnopqrstuvwxyz`;
  let keyId = live ? 'AK' : 'PK';
  while (keyId.length < 20) keyId += alphabet[Math.floor(random.next() * alphabet.length)];
  let secret = '';
  while (secret.length < 40) secret += secretAlphabet[Math.floor(random.next() * secretAlphabet.length)];
  return { keyId, secret };
}

function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
