// Limits of the run settings that the forms show as plain inputs (not generated from a schema main sends): one zod
// schema each, used by main's run config and, as JSON Schema, by the renderer's inputs and live messages.
import { z } from 'zod';

export const startingCashSchema = z.number().positive().max(1_000_000_000_000);

export const feedSpeedSchema = z.number().positive().max(1_000_000_000);

/** A number schema as the forms read it (JSON Schema: minimum, exclusiveMinimum, maximum …). */
export const inputSchemaOf = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
