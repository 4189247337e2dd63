// The pure half of SchemaForm: reading a JSON Schema (as zod 4's z.toJSONSchema(schema, { io: 'input' }) writes
// it) into form fields, validating values with messages that name the bound, and humanising keys.
import { fieldLabel, humanise } from '../../../../shared/api/field-errors';

export { humanise };

/** The subset of JSON Schema (draft 2020-12) the form reads; anything else is kept but ignored. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly title?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly [keyword: string]: unknown;
}

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'json';

export interface FieldSpec {
  readonly key: string;
  readonly kind: FieldKind;
  readonly label: string;
  /** The field's schema with `null` unwrapped (for nullable fields). */
  readonly schema: JsonSchema;
  readonly required: boolean;
  /** Accepts null (z.nullable()): an empty input means null. */
  readonly nullable: boolean;
  readonly description?: string;
  readonly default?: unknown;
  readonly hasDefault: boolean;
  /** The choices of an enum field, in schema order. */
  readonly options?: readonly unknown[];
}

function types(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

/** Reads one property into a field; `json` when the form cannot edit it (objects, arrays, unions). */
export function describeField(key: string, property: JsonSchema, required: boolean): FieldSpec {
  let schema = property;
  let nullable = false;
  const alternatives = property.anyOf ?? property.oneOf;
  if (alternatives) {
    const nonNull = alternatives.filter((s) => !(s.type === 'null'));
    nullable = nonNull.length < alternatives.length;
    if (nonNull.length === 1)
      schema = { ...nonNull[0]!, default: property.default, description: property.description };
    else if (nonNull.length > 1 && nonNull.every((s) => 'const' in s)) {
      schema = { ...property, enum: nonNull.map((s) => s.const) };
    }
  }
  let kinds = types(schema);
  if (kinds.includes('null')) {
    nullable = true;
    kinds = kinds.filter((t) => t !== 'null');
  }
  const base = {
    key,
    label: typeof property.title === 'string' ? property.title : humanise(key),
    schema,
    required,
    nullable,
    description: schema.description ?? property.description,
    default: property.default,
    hasDefault: 'default' in property,
  };
  if (schema.enum) return { ...base, kind: 'enum', options: schema.enum };
  if ('const' in schema) return { ...base, kind: 'enum', options: [schema.const] };
  const multipleAlternatives = alternatives !== undefined && schema === property;
  if (kinds.length === 1 && !multipleAlternatives) {
    const kind = kinds[0];
    if (kind === 'number' || kind === 'integer' || kind === 'boolean' || kind === 'string')
      return { ...base, kind };
  }
  return { ...base, kind: 'json' };
}

/** The fields of an object schema, in property order. */
export function describeFields(schema: JsonSchema): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) =>
    describeField(key, property, required.has(key)),
  );
}

/** zod writes ±Number.MAX_SAFE_INTEGER as the bounds of every int(); those are not bounds a user needs to see. */
function realBound(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER;
}

export interface ValidateOptions {
  /** Empty is an error ("is required") unless the schema has a default or accepts null. */
  readonly required?: boolean;
}

/** Parses what was typed into a number field: a finite number, null for empty, NaN for not a number. */
export function parseNumber(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * Why `value` does not satisfy the field's schema, in words naming the bound ("must be at least 2", "must be a
 * whole number"), or undefined when it does. Number fields accept the typed text as well as numbers.
 */
export function validateField(
  schema: JsonSchema,
  value: unknown,
  options: ValidateOptions = {},
): string | undefined {
  const field = describeField('', schema, options.required ?? false);
  const s = field.schema;
  const empty = value === undefined || value === null || value === '';
  if (empty) {
    if (value === null && field.nullable) return undefined;
    return field.required && !field.hasDefault && !field.nullable ? 'is required' : undefined;
  }
  switch (field.kind) {
    case 'number':
    case 'integer': {
      const n = parseNumber(value);
      if (n === null) return undefined;
      if (Number.isNaN(n)) return 'must be a number';
      if (field.kind === 'integer' && !Number.isInteger(n)) return 'must be a whole number';
      if (realBound(s.minimum) && n < s.minimum) return `must be at least ${s.minimum}`;
      if (realBound(s.exclusiveMinimum) && n <= s.exclusiveMinimum)
        return `must be greater than ${s.exclusiveMinimum}`;
      if (realBound(s.maximum) && n > s.maximum) return `must be at most ${s.maximum}`;
      if (realBound(s.exclusiveMaximum) && n >= s.exclusiveMaximum)
        return `must be less than ${s.exclusiveMaximum}`;
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
        const q = n / s.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q)))
          return `must be a multiple of ${s.multipleOf}`;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enum':
      return field.options?.some((option) => option === value)
        ? undefined
        : `must be one of ${(field.options ?? []).map(String).join(', ')}`;
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      if (typeof s.minLength === 'number' && value.length < s.minLength) {
        return `must be at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}`;
      }
      if (typeof s.maxLength === 'number' && value.length > s.maxLength) {
        return `must be at most ${s.maxLength} character${s.maxLength === 1 ? '' : 's'}`;
      }
      if (typeof s.pattern === 'string') {
        try {
          if (!new RegExp(s.pattern, 'u').test(value)) return 'has the wrong format';
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Every field's message for a set of values (field → message); empty when all are valid. */
export function validateValues(
  schema: JsonSchema,
  values: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of describeFields(schema)) {
    if (field.kind === 'json') continue;
    const property = schema.properties![field.key]!;
    const message = validateField(property, values[field.key], { required: field.required });
    if (message) errors[field.key] = message;
  }
  return errors;
}

/**
 * The input's own limits (`min`/`max`/`step`), agreeing with the schema so the browser's validity never flags a value
 * the schema accepts: whole numbers step by 1 (or the schema's multipleOf), other numbers by any amount.
 */
export function numberInputLimits(schema: JsonSchema): {
  min?: number;
  max?: number;
  step: number | 'any';
} {
  const field = describeField('', schema, false);
  const s = field.schema;
  const step =
    typeof s.multipleOf === 'number' && s.multipleOf > 0
      ? s.multipleOf
      : field.kind === 'integer'
        ? 1
        : 'any';
  return {
    ...(realBound(s.minimum) && { min: s.minimum }),
    ...(realBound(s.maximum) && { max: s.maximum }),
    step,
  };
}

/**
 * The first field out of bounds, labelled as every refusal labels it ("Stop loss: must be less than 1"), for the reason
 * beside a greyed-out submit button; undefined when every field passes.
 */
export function firstFormProblem(
  schema: JsonSchema | undefined,
  values: Readonly<Record<string, unknown>>,
  path: string,
): string | undefined {
  const first = schema ? Object.entries(validateValues(schema, values))[0] : undefined;
  return first && `${fieldLabel(`${path}.${first[0]}`)}: ${first[1]}`;
}

/** The bounds in short, for the help line: "≥ 2 · ≤ 200 · whole number". */
export function boundsHint(schema: JsonSchema): string {
  const field = describeField('', schema, false);
  const s = field.schema;
  const parts: string[] = [];
  if (field.kind === 'number' || field.kind === 'integer') {
    if (realBound(s.minimum)) parts.push(`≥ ${s.minimum}`);
    if (realBound(s.exclusiveMinimum)) parts.push(`> ${s.exclusiveMinimum}`);
    if (realBound(s.maximum)) parts.push(`≤ ${s.maximum}`);
    if (realBound(s.exclusiveMaximum)) parts.push(`< ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number') parts.push(`step ${s.multipleOf}`);
    if (field.kind === 'integer') parts.push('whole number');
  }
  return parts.join(' · ');
}
