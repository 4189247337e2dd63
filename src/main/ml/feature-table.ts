// Features files: CSV with a header, one column per feature (and, to fit on, a label column). An empty field (or
// NaN) is a missing value, as XGBoost reads it; anything else must be a number. The columns a model reads are
// matched by name, in any order, and a file that lacks one or has one more is refused naming them, so a model never
// predicts from columns it was not trained on.

import { parseDecimal } from '../feeds/csv';
import { COMMA, CsvScanner } from '../feeds/csv-scanner';
import { DataFileError, quoteCell } from '../feeds/errors';
import { type FeatureMatrix, matrixFromColumns } from './trees';

/** A features file read into columns (NaN = missing), with the file line of each row for later errors. */
export interface FeatureTable {
  readonly source: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** One Float64Array per column, in file order. */
  readonly values: readonly Float64Array[];
  readonly lines: Int32Array;
}

const MISSING = /^(nan)?$/i;

/** A cell's number; NaN when it is empty or NaN (missing); undefined when it is text that is not a number. */
function cellValue(scanner: CsvScanner, field: number): number | undefined {
  const value = parseDecimal(scanner.bytes, scanner.start(field), scanner.end(field));
  if (!Number.isNaN(value)) return value;
  // Slow path for the rare cell the fast parser leaves: missing, quoted, or not a number.
  const text = scanner.fieldText(field);
  if (MISSING.test(text)) return Number.NaN;
  const quoted = Number(text);
  return Number.isNaN(quoted) ? undefined : quoted;
}

/** Reads a features file's text; `source` (the file name) and the line number are in every error. */
export function parseFeatureTable(text: string, source: string): FeatureTable {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const scanner = new CsvScanner(
    text,
    COMMA,
    start,
    (line) => new DataFileError(`${source} line ${line}: a quoted field is never closed`),
  );
  const width = scanner.readRow();
  if (width < 0) throw new DataFileError(`${source}: the file is empty (it needs a header of column names)`);
  const columns: string[] = [];
  for (let f = 0; f < width; f++) {
    const name = scanner.fieldText(f);
    if (name === '')
      throw new DataFileError(`${source} line ${scanner.rowLine}: column ${f + 1} has no name`);
    if (columns.includes(name))
      throw new DataFileError(`${source} line ${scanner.rowLine}: column ${name} appears twice`);
    columns.push(name);
  }
  let capacity = 1024;
  let values = columns.map(() => new Float64Array(capacity));
  let lines = new Int32Array(capacity);
  let rows = 0;
  for (let count = scanner.readRow(); count >= 0; count = scanner.readRow()) {
    const line = scanner.rowLine;
    if (count !== width) {
      throw new DataFileError(`${source} line ${line}: ${count} fields, the header has ${width}`);
    }
    if (rows === capacity) {
      capacity *= 2;
      values = values.map((column) => {
        const grown = new Float64Array(capacity);
        grown.set(column);
        return grown;
      });
      const grownLines = new Int32Array(capacity);
      grownLines.set(lines);
      lines = grownLines;
    }
    for (let f = 0; f < width; f++) {
      const value = cellValue(scanner, f);
      if (value === undefined) {
        throw new DataFileError(
          `${source} line ${line}, column ${columns[f]}: ${quoteCell(scanner.fieldText(f))} is not a number`,
        );
      }
      (values[f] as Float64Array)[rows] = value;
    }
    lines[rows] = line;
    rows++;
  }
  return {
    source,
    columns,
    rows,
    values: values.map((column) => column.slice(0, rows)),
    lines: lines.slice(0, rows),
  };
}

/**
 * The table's columns in the model's feature order, as the predictor's matrix. A missing or an extra column is
 * refused naming each (`ignore` lists columns that are not features, e.g. the label when fitting).
 */
export function featureMatrixOf(
  table: FeatureTable,
  featureNames: readonly string[],
  ignore: readonly string[] = [],
): FeatureMatrix {
  const missing = featureNames.filter((name) => !table.columns.includes(name));
  const extra = table.columns.filter((name) => !featureNames.includes(name) && !ignore.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] : []),
      ...(extra.length > 0 ? [`extra column${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`] : []),
    ];
    throw new DataFileError(
      `${table.source}: the columns do not match the model's features (${featureNames.join(', ')}): ${problems.join('; ')}`,
    );
  }
  const columns = featureNames.map((name) => table.values[table.columns.indexOf(name)] as Float64Array);
  return matrixFromColumns(columns, table.rows);
}
