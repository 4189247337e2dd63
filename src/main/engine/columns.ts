// Building blocks of the growable column tables (fills, trades): symbol names interned to small integers, and
// typed arrays grown by copying.

/** Distinct symbol names in first-seen order; rows store the index. */
export class SymbolInterner {
  readonly names: string[] = [];
  private readonly indexOfName = new Map<string, number>();
  private lastName = '';
  private lastIndex = 0;

  /** Consecutive rows are mostly of one symbol, so the last lookup is remembered. */
  indexOf(name: string): number {
    if (name === this.lastName) return this.lastIndex;
    let index = this.indexOfName.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.indexOfName.set(name, index);
    }
    this.lastName = name;
    this.lastIndex = index;
    return index;
  }
}

type Column = Float64Array | Int32Array | Uint8Array;

/** A copy of `column` with room for `size` rows. */
export function grownColumn<C extends Column>(column: C, size: number): C {
  const grown = new (column.constructor as new (length: number) => C)(size);
  grown.set(column);
  return grown;
}
