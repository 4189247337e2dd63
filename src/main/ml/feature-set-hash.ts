// A feature set's identity: SHA-256 of its canonical JSON (defaults filled in by the schema, keys sorted), so two
// sets that compute the same columns hash the same however they were written, and a model trained on one set can
// refuse bars prepared with another. Kept apart from features.ts so the steppers need no Node built-in.
import { createHash } from 'node:crypto';
import { type FeatureSetInput, featureSetSchema } from '../../shared/domain/ml';
import { canonicalJson } from './model-file';

/** Hex SHA-256 of the set's canonical JSON (the set is parsed first, so defaults count as written). */
export function featureSetHash(set: FeatureSetInput): string {
  const parsed = featureSetSchema.parse(set);
  return createHash('sha256').update(canonicalJson(parsed)).digest('hex');
}
