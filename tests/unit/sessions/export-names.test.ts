// Exports are named for the user (the session's name and the run's day), never by an internal run id.
import { describe, expect, test } from 'vitest';
import { exportBaseName } from '../../../src/main/sessions/session-reports';

const DEC_5 = Date.UTC(2026, 11, 5, 18, 30);

describe('exportBaseName', () => {
  test('the demo session: punctuation and spaces become single dashes, the start day follows', () => {
    expect(exportBaseName('Demo — SMA crossover on ACME, BOLT', DEC_5)).toBe(
      'Demo-SMA-crossover-on-ACME-BOLT-2026-12-05',
    );
  });

  test('characters no file system accepts are gone; letters of other scripts stay', () => {
    expect(exportBaseName('a/b\\c:d*e?f"g<h>i|j', DEC_5)).toBe('a-b-c-d-e-f-g-h-i-j-2026-12-05');
    expect(exportBaseName('Überprüfung ÄÖ', DEC_5)).toBe('Überprüfung-ÄÖ-2026-12-05');
    expect(exportBaseName('../../etc/passwd', DEC_5)).toBe('etc-passwd-2026-12-05');
  });

  test('a name of punctuation only still gives a name; a long one is cut', () => {
    expect(exportBaseName('—/—', DEC_5)).toBe('session-2026-12-05');
    const long = exportBaseName('x'.repeat(200), DEC_5);
    expect(long).toBe(`${'x'.repeat(60)}-2026-12-05`);
  });
});
