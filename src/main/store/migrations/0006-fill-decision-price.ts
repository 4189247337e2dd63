import type { Migration } from './types';

// Each fill's decision price (what its order was meant to fill at), so the fills table can show slippage against
// it. Fills recorded before this version have none (NULL) and show no slippage.
export const fillDecisionPrice: Migration = {
  version: 6,
  name: '0006-fill-decision-price',
  up(db) {
    db.exec(
      'ALTER TABLE fills ADD COLUMN decision_price REAL CHECK (decision_price IS NULL OR decision_price > 0)',
    );
  },
};
