// A form generated from a flat JSON Schema object (zod 4: z.toJSONSchema(schema, { io: 'input' })): numbers,
// integers, booleans, string enums and plain strings become inputs; anything else is shown read-only as JSON.
// Validation runs as you type, with messages naming the bound; server-side messages come in through `errors`.
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { fieldLabel } from '../../../../shared/api/field-errors';
import '../components.css';
import {
  boundsHint,
  describeFields,
  type FieldSpec,
  type JsonSchema,
  numberInputLimits,
  parseNumber,
  validateField,
} from './schema-model';

export type { FieldKind, FieldSpec, JsonSchema, ValidateOptions } from './schema-model';
export { describeFields, humanise, validateField, validateValues } from './schema-model';

export type FormValues = Record<string, unknown>;

export interface FieldHint {
  /** Overrides the humanised key. */
  readonly label?: string;
  /** Shown after the input: "bars", "× equity", "fraction (0.02 = 2%)", "$". */
  readonly unit?: string;
  /** Leave the field out of the form (its value still passes through from `values`). */
  readonly hidden?: boolean;
}

export interface SchemaFormProps {
  /** An object schema: `z.toJSONSchema(schema, { io: 'input' })`. */
  readonly schema: JsonSchema;
  /**
   * Current values (e.g. a saved config). A field without a value shows empty with its default as placeholder.
   * Passing back what onChange reported does not reset what is being typed; any other object does.
   */
  readonly values?: Readonly<FormValues>;
  /**
   * Every edit: the values as the schema would receive them (empty fields → their default; fields that do not parse
   * are left out) and whether every field passes its bounds. Server `errors` do not affect `valid`.
   */
  readonly onChange: (values: FormValues, valid: boolean) => void;
  /** Server-side messages (field → message), e.g. a zod refine's "fast must be less than slow". Keys that are not a
   * field (or "") are shown above the form. */
  readonly errors?: Readonly<Record<string, string>>;
  readonly fields?: Readonly<Record<string, FieldHint>>;
  readonly disabled?: boolean;
  /**
   * Where these fields sit in a config (`strategy.params`, `risk`), so each is labelled as every refusal names it
   * (see shared/api/field-errors).
   */
  readonly path?: string;
  /** Accessible name of the form group, e.g. "SMA crossover parameters". */
  readonly label?: string;
  readonly className?: string;
}

type Raw = string | boolean | unknown;
type Raws = Record<string, Raw>;

function initialRaw(field: FieldSpec, value: unknown): Raw {
  switch (field.kind) {
    case 'number':
    case 'integer':
      return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    case 'boolean':
      return typeof value === 'boolean' ? value : field.default === true;
    case 'enum': {
      const options = field.options ?? [];
      let index = options.indexOf(value);
      if (index < 0 && value === undefined && field.hasDefault) index = options.indexOf(field.default);
      return index < 0 ? '' : String(index);
    }
    case 'string':
      return typeof value === 'string' ? value : '';
    default:
      return value === undefined ? field.default : value;
  }
}

function rawsFrom(fields: readonly FieldSpec[], values: Readonly<FormValues> | undefined): Raws {
  const raws: Raws = {};
  for (const field of fields) raws[field.key] = initialRaw(field, values?.[field.key]);
  return raws;
}

/** The value the schema would receive for what is in the input; `undefined` means "leave the key out". */
function fieldValue(field: FieldSpec, raw: Raw): unknown {
  const fallback = field.hasDefault ? field.default : field.nullable ? null : undefined;
  switch (field.kind) {
    case 'number':
    case 'integer': {
      const n = parseNumber(raw);
      if (n === null) return fallback;
      return Number.isNaN(n) ? undefined : n;
    }
    case 'boolean':
      return raw === true;
    case 'enum':
      return raw === '' ? fallback : field.options?.[Number(raw)];
    case 'string':
      return raw === '' ? fallback : raw;
    default:
      return raw;
  }
}

function messageOf(field: FieldSpec, property: JsonSchema, raw: Raw): string | undefined {
  const options = { required: field.required };
  switch (field.kind) {
    case 'number':
    case 'integer':
    case 'string':
      return validateField(property, raw, options);
    case 'enum':
      return validateField(property, raw === '' ? undefined : field.options?.[Number(raw)], options);
    default:
      return undefined;
  }
}

function collect(
  fields: readonly FieldSpec[],
  raws: Raws,
  passthrough: Readonly<FormValues> | undefined,
): FormValues {
  const values: FormValues = {};
  // Keys the form does not show (hidden, or not in the schema) pass through untouched.
  if (passthrough) for (const [key, value] of Object.entries(passthrough)) values[key] = value;
  for (const field of fields) {
    const value = fieldValue(field, raws[field.key]);
    if (value === undefined) delete values[field.key];
    else values[field.key] = value;
  }
  return values;
}

function placeholderOf(field: FieldSpec): string | undefined {
  if (!field.hasDefault || field.default === null || field.default === undefined) return undefined;
  return typeof field.default === 'object' ? JSON.stringify(field.default) : String(field.default);
}

export function SchemaForm({
  schema,
  values,
  onChange,
  errors,
  fields: hints,
  disabled = false,
  path,
  label,
  className,
}: SchemaFormProps) {
  const idBase = useId();
  const allFields = useMemo(() => describeFields(schema), [schema]);
  const [raws, setRaws] = useState<Raws>(() => rawsFrom(allFields, values));
  const lastEmitted = useRef<string | null>(null);
  const lastProps = useRef({ schema, values });

  // A new schema, or new values that are not what we reported, replace what is in the inputs.
  useEffect(() => {
    const previous = lastProps.current;
    lastProps.current = { schema, values };
    if (previous.schema === schema) {
      if (previous.values === values || values === undefined) return;
      if (JSON.stringify(values) === lastEmitted.current) return;
    }
    setRaws(rawsFrom(allFields, values));
  }, [schema, values, allFields]);

  const messages = useMemo(() => {
    const out: Record<string, string | undefined> = {};
    for (const field of allFields)
      out[field.key] = messageOf(field, schema.properties![field.key]!, raws[field.key]);
    return out;
  }, [allFields, raws, schema]);

  const update = (key: string, raw: Raw) => {
    const next = { ...raws, [key]: raw };
    setRaws(next);
    const collected = collect(allFields, next, values);
    const valid = allFields.every(
      (field) => messageOf(field, schema.properties![field.key]!, next[field.key]) === undefined,
    );
    lastEmitted.current = JSON.stringify(collected);
    onChange(collected, valid);
  };

  const fieldKeys = new Set(allFields.map((f) => f.key));
  const formErrors = Object.entries(errors ?? {}).filter(([key]) => !fieldKeys.has(key));

  return (
    <fieldset
      className={className ? `mb-form ${className}` : 'mb-form'}
      disabled={disabled}
      aria-label={label}
    >
      {formErrors.length > 0 && (
        <div className="mb-form-errors" role="alert">
          {formErrors.map(([key, message]) => (
            <div key={key}>{message}</div>
          ))}
        </div>
      )}
      {allFields.map((field) => {
        const hint = hints?.[field.key];
        if (hint?.hidden) return null;
        const id = `${idBase}-${field.key}`;
        const helpId = `${id}-help`;
        const errorId = `${id}-error`;
        const raw = raws[field.key];
        const local = messages[field.key];
        const server = errors?.[field.key];
        const invalid = local !== undefined || server !== undefined;
        const bounds = boundsHint(schema.properties![field.key]!);
        const help = [field.description, bounds].filter(Boolean).join(' · ');
        const describedBy =
          [help ? helpId : '', invalid ? errorId : ''].filter(Boolean).join(' ') || undefined;
        const labelText =
          hint?.label ?? (path === undefined ? field.label : fieldLabel(`${path}.${field.key}`, field.label));
        let control: ReactNode;
        switch (field.kind) {
          case 'number':
          case 'integer':
            control = (
              <input
                id={id}
                name={field.key}
                type="number"
                className="mb-input mb-num"
                {...numberInputLimits(schema.properties![field.key]!)}
                inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
                value={raw as string}
                placeholder={placeholderOf(field)}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                onChange={(event) => update(field.key, event.target.value)}
                onWheel={(event) => event.currentTarget.blur()}
              />
            );
            break;
          case 'boolean':
            control = (
              <input
                id={id}
                name={field.key}
                type="checkbox"
                className="mb-checkbox"
                checked={raw === true}
                aria-describedby={describedBy}
                onChange={(event) => update(field.key, event.target.checked)}
              />
            );
            break;
          case 'enum':
            control = (
              <select
                id={id}
                name={field.key}
                className="mb-input"
                value={raw as string}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                onChange={(event) => update(field.key, event.target.value)}
              >
                {(raw === '' || (!field.required && !field.hasDefault)) && (
                  <option value="">{field.hasDefault ? `Default (${placeholderOf(field)})` : '—'}</option>
                )}
                {(field.options ?? []).map((option, i) => (
                  <option key={String(option)} value={String(i)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            );
            break;
          case 'string':
            control = (
              <input
                id={id}
                name={field.key}
                type="text"
                className="mb-input"
                value={raw as string}
                placeholder={placeholderOf(field)}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                onChange={(event) => update(field.key, event.target.value)}
              />
            );
            break;
          default:
            control = (
              <div className="mb-field-json-wrap">
                <pre id={id} className="mb-field-json mono" aria-describedby={describedBy}>
                  {raw === undefined ? '(not set)' : JSON.stringify(raw, null, 2)}
                </pre>
                <span className="mb-field-note">Not editable here (nested setting); shown as JSON.</span>
              </div>
            );
        }
        return (
          <div
            key={field.key}
            className={`mb-field mb-field-${field.kind}${invalid ? ' mb-field-invalid' : ''}`}
          >
            {field.kind === 'json' ? (
              <span className="mb-field-label">{labelText}</span>
            ) : (
              <label className="mb-field-label" htmlFor={id}>
                {labelText}
                {field.required && !field.hasDefault && (
                  <span className="mb-required" aria-hidden="true">
                    {' '}
                    *
                  </span>
                )}
              </label>
            )}
            <div className="mb-field-control">
              {control}
              {hint?.unit && <span className="mb-field-unit">{hint.unit}</span>}
            </div>
            {help && (
              <div id={helpId} className="mb-field-help">
                {help}
              </div>
            )}
            {invalid && (
              <div id={errorId} className="mb-field-error" role="alert">
                {[local, server].filter(Boolean).join(' · ')}
              </div>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
