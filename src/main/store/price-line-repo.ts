// The trader's horizontal price lines on session charts (migration 0011), with their crossing alerts.
import type { PriceLine } from '../../shared/domain/chart-tools';
import type { Db } from './database';

interface PriceLineRow {
  id: number;
  session_id: string;
  symbol: string;
  price: number;
  alert: number;
  last_crossed_at: number | null;
  created_at: number;
}

const lineOf = (row: PriceLineRow): PriceLine => ({
  id: row.id,
  sessionId: row.session_id,
  symbol: row.symbol,
  price: row.price,
  alert: row.alert === 1,
  lastCrossedAt: row.last_crossed_at,
  createdAt: row.created_at,
});

export interface PriceLineRepo {
  /** A session's lines, oldest first. */
  list(sessionId: string): PriceLine[];
  get(id: number): PriceLine | undefined;
  add(line: { sessionId: string; symbol: string; price: number; alert: boolean }, at: number): PriceLine;
  /** A new price and/or alert setting; undefined when there is no such line. */
  update(id: number, change: { price?: number; alert?: boolean }, at: number): PriceLine | undefined;
  /** When its alert fired (the bar's time). */
  crossed(id: number, barTime: number): void;
  remove(id: number): boolean;
}

export function createPriceLineRepo(db: Db): PriceLineRepo {
  const selectSession = db.prepare<[string], PriceLineRow>(
    'SELECT * FROM price_lines WHERE session_id = ? ORDER BY id',
  );
  const selectOne = db.prepare<[number], PriceLineRow>('SELECT * FROM price_lines WHERE id = ?');
  const insert = db.prepare<[string, string, number, number, number, number], PriceLineRow>(
    `INSERT INTO price_lines (session_id, symbol, price, alert, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const updateRow = db.prepare<[number | null, number | null, number, number], PriceLineRow>(
    `UPDATE price_lines SET price = coalesce(?, price), alert = coalesce(?, alert), updated_at = ?
     WHERE id = ? RETURNING *`,
  );
  const markCrossed = db.prepare<[number, number]>('UPDATE price_lines SET last_crossed_at = ? WHERE id = ?');
  const deleteRow = db.prepare<[number]>('DELETE FROM price_lines WHERE id = ?');
  return {
    list: (sessionId) => selectSession.all(sessionId).map(lineOf),
    get: (id) => {
      const row = selectOne.get(id);
      return row ? lineOf(row) : undefined;
    },
    add: ({ sessionId, symbol, price, alert }, at) =>
      lineOf(insert.get(sessionId, symbol, price, alert ? 1 : 0, at, at)!),
    update: (id, change, at) => {
      const alert = change.alert === undefined ? null : change.alert ? 1 : 0;
      const row = updateRow.get(change.price ?? null, alert, at, id);
      return row ? lineOf(row) : undefined;
    },
    crossed: (id, barTime) => {
      markCrossed.run(barTime, id);
    },
    remove: (id) => deleteRow.run(id).changes > 0,
  };
}
