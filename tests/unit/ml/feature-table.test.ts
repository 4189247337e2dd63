// Features files (ml/feature-table.ts): empty fields and NaN are missing values, a non-number names the file, line and
// column, and a model's columns are matched by name with missing and extra ones named.
import { describe, expect, it } from 'vitest';
import { featureMatrixOf, parseFeatureTable } from '../../../src/main/ml/feature-table';

describe('features file', () => {
  it('reads columns by header; empty, NaN and quoted fields', () => {
    const table = parseFeatureTable('\uFEFFa,b,c\r\n1,,NaN\n\n"2.5", -3 ,nan\n', 'f.csv');
    expect(table.columns).toEqual(['a', 'b', 'c']);
    expect(table.rows).toBe(2);
    expect(Array.from(table.values[0]!)).toEqual([1, 2.5]);
    expect(Array.from(table.values[1]!)).toEqual([Number.NaN, -3]);
    expect(Array.from(table.values[2]!)).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(table.lines)).toEqual([2, 4]);
  });

  it('names the file, line and column of a cell that is not a number', () => {
    expect(() => parseFeatureTable('a,b\n1,2\n3,x1\n', 'f.csv')).toThrow(
      'f.csv line 3, column b: "x1" is not a number',
    );
  });

  it('refuses rows of another width, an unnamed or repeated column, an empty file', () => {
    expect(() => parseFeatureTable('a,b\n1\n', 'f.csv')).toThrow('f.csv line 2: 1 fields, the header has 2');
    expect(() => parseFeatureTable('a,,c\n', 'f.csv')).toThrow('f.csv line 1: column 2 has no name');
    expect(() => parseFeatureTable('a,a\n', 'f.csv')).toThrow('f.csv line 1: column a appears twice');
    expect(() => parseFeatureTable('', 'f.csv')).toThrow('f.csv: the file is empty');
  });

  it("puts the columns in the model's order, as float32", () => {
    const table = parseFeatureTable('b,a\n0.1,1\n,2\n', 'f.csv');
    const matrix = featureMatrixOf(table, ['a', 'b']);
    expect(matrix.features).toBe(2);
    expect(Array.from(matrix.values)).toEqual([1, Math.fround(0.1), 2, Number.NaN]);
  });

  it('names missing and extra columns; ignored columns (the label) are neither', () => {
    const table = parseFeatureTable('a,x,label\n1,2,0\n', 'f.csv');
    expect(() => featureMatrixOf(table, ['a', 'b', 'c'], ['label'])).toThrow(
      "f.csv: the columns do not match the model's features (a, b, c): missing columns b, c; extra column x",
    );
    expect(featureMatrixOf(table, ['x', 'a'], ['label']).values).toEqual(Float32Array.from([2, 1]));
  });
});
