// One labelled number input outside a generated form (starting cash, speed, bars): its limits come from a schema, so
// the input's min/max/step and the message beside it agree with what main will accept.
import { type ReactNode, useState } from 'react';
import { type JsonSchema, numberInputLimits, parseNumber, validateField } from './schema-model';

export interface NumberFieldProps {
  readonly id: string;
  readonly label: string;
  readonly schema: JsonSchema;
  /** NaN while the input is empty or not a number. */
  readonly value: number;
  readonly onChange: (value: number) => void;
  /** Shown after the input ("$", "× real time"). */
  readonly unit?: ReactNode;
  /** A refusal from main for this field, shown until the value changes. */
  readonly serverError?: string | undefined;
  readonly placeholder?: string;
  /** Empty is refused ("is required"); default true. An optional field falls back to its placeholder. */
  readonly required?: boolean;
}

/** Why `value` is refused by `schema`, in words ("must be greater than 0"); NaN means nothing usable was typed. */
export function numberProblem(schema: JsonSchema, value: number): string | undefined {
  return validateField(schema, Number.isNaN(value) ? '' : value, { required: true });
}

export function NumberField({
  id,
  label,
  schema,
  value,
  onChange,
  unit,
  serverError,
  placeholder,
  required = true,
}: NumberFieldProps) {
  // What is typed, kept as text so "1e" or "-" mid-typing is not replaced under the user.
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : '');
  // A value set from outside (a reset, a loaded config) replaces the text; one that the text already says does not.
  const typed = parseNumber(text);
  const agrees = Number.isNaN(value) ? typed === null || Number.isNaN(typed) : typed === value;
  const shown = agrees ? text : String(value);
  const local = validateField(schema, shown, { required });
  const message = local ?? serverError;
  const errorId = `${id}-error`;
  return (
    <div className={`form-row mb-number-field${message ? ' mb-field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        className="num"
        {...numberInputLimits(schema)}
        value={shown}
        placeholder={placeholder}
        aria-invalid={message !== undefined}
        aria-describedby={message ? errorId : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseNumber(e.target.value);
          onChange(parsed === null ? Number.NaN : parsed);
        }}
        onWheel={(e) => e.currentTarget.blur()}
      />
      {unit && <span className="muted small">{unit}</span>}
      {message && (
        <span id={errorId} className="mb-field-error mb-inline-error" role="alert">
          {label}: {message}
        </span>
      )}
    </div>
  );
}
