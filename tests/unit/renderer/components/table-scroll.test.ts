// A row selected outside the table (a heat map square) scrolls into view, centred, and a row already in view does not
// move the table.
import { describe, expect, test } from 'vitest';
import { scrollTopToShow } from '../../../../src/renderer/src/components/table/table-model';

describe('scrollTopToShow', () => {
  test('a row in view leaves the scroll alone', () => {
    expect(scrollTopToShow(3, 26, 260, 0)).toBeNull();
    expect(scrollTopToShow(12, 26, 260, 260)).toBeNull();
  });
  test('a row below or above the view is centred; never above the top', () => {
    // Row 40 starts at 1040; centred in 260 px: 1040 − 117 = 923.
    expect(scrollTopToShow(40, 26, 260, 0)).toBe(923);
    expect(scrollTopToShow(2, 26, 260, 500)).toBe(0);
    // The last row that fits whole stays; the next one scrolls.
    expect(scrollTopToShow(9, 26, 260, 0)).toBeNull();
    expect(scrollTopToShow(10, 26, 260, 0)).toBe(143);
  });
});
