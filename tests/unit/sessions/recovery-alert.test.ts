// A recovered run says so: what was replayed from the ledger, and every difference the replay found.
import { describe, expect, test } from 'vitest';
import { recoveryAlert } from '../../../src/main/sessions/run-journal';

describe('recoveryAlert', () => {
  test('a clean replay: info, with the counts', () => {
    expect(recoveryAlert({ bars: 2_468, barTimes: 1_234, journalEntries: 1 }, [])).toEqual({
      severity: 'info',
      kind: 'run-recovered',
      message:
        'Recovered after a restart: replayed 2,468 bars (1,234 bar times) and 1 journal entry from the ledger; the rebuilt account matches it.',
    });
  });

  test('differences: a warning that lists each', () => {
    const alert = recoveryAlert({ bars: 10, barTimes: 5, journalEntries: 3 }, [
      'the ledger holds 4 fills; replaying its 5 bars gives 3',
      'cash: the ledger says 99000.00, the replay 100000.00',
    ]);
    expect(alert.severity).toBe('warning');
    expect(alert.message).toBe(
      'Recovered after a restart: replayed 10 bars (5 bar times) and 3 journal entries from the ledger; 2 differences found: the ledger holds 4 fills; replaying its 5 bars gives 3; cash: the ledger says 99000.00, the replay 100000.00.',
    );
  });
});
