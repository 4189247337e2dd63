// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  humanise,
  type JsonSchema,
  SchemaForm,
  validateField,
  validateValues,
} from '../../../../src/renderer/src/components/form/SchemaForm';

afterEach(cleanup);

// Shaped like a built-in strategy's parameters (src/main/strategies) plus the other field kinds.
const params = z
  .object({
    fast: z.number().int().min(2).max(200).default(5).describe('Fast SMA length, in bars'),
    slow: z.number().int().min(2).max(1000).default(20).describe('Slow SMA length, in bars'),
    riskPerTrade: z.number().positive().max(1).default(0.02).describe('Fraction of equity risked per entry'),
    stopLoss: z.number().min(0).lt(1).optional(),
    allowShort: z.boolean().default(false).describe('Allow short entries'),
    priceSource: z.enum(['close', 'hl2', 'ohlc4']).default('close'),
    sizing: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('fixed'), qty: z.number() }),
        z.object({ mode: z.literal('risk-based') }),
      ])
      .default({ mode: 'risk-based' }),
    lookback: z.number().int().positive(),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be less than slow', path: ['fast'] });

const schema = z.toJSONSchema(params, { io: 'input' }) as JsonSchema;

function setup(props: Partial<Parameters<typeof SchemaForm>[0]> = {}) {
  const onChange = vi.fn();
  const utils = render(<SchemaForm schema={schema} onChange={onChange} label="Parameters" {...props} />);
  return { onChange, ...utils };
}

function lastCall(onChange: ReturnType<typeof vi.fn>): [Record<string, unknown>, boolean] {
  return onChange.mock.calls[onChange.mock.calls.length - 1] as [Record<string, unknown>, boolean];
}

describe('SchemaForm', () => {
  it('renders each field kind from a zod schema', () => {
    setup();
    const fast = screen.getByLabelText(/^Fast/) as HTMLInputElement;
    expect(fast.type).toBe('number');
    expect(fast.step).toBe('1');
    expect(fast.placeholder).toBe('5');
    expect(screen.getByText('Fast SMA length, in bars · ≥ 2 · ≤ 200 · whole number')).toBeTruthy();

    const risk = screen.getByLabelText('Risk per trade') as HTMLInputElement;
    expect(risk.type).toBe('number');
    expect(risk.step).toBe('any');
    expect(risk.placeholder).toBe('0.02');
    expect(screen.getByText('Fraction of equity risked per entry · > 0 · ≤ 1')).toBeTruthy();

    const short = screen.getByLabelText('Allow short') as HTMLInputElement;
    expect(short.type).toBe('checkbox');
    expect(short.checked).toBe(false);

    const source = screen.getByLabelText('Price source') as HTMLSelectElement;
    expect(source.tagName).toBe('SELECT');
    expect(Array.from(source.options).map((o) => o.textContent)).toEqual(['close', 'hl2', 'ohlc4']);
    expect(source.options[source.selectedIndex]!.textContent).toBe('close');

    // Not representable: read-only JSON with a note.
    expect(screen.getByText('Sizing')).toBeTruthy();
    expect(screen.getByText(/"mode": "risk-based"/)).toBeTruthy();
    expect(screen.getByText(/Not editable here/)).toBeTruthy();

    // zod's int() bounds (±MAX_SAFE_INTEGER) are not shown as bounds.
    expect(screen.getByText('> 0 · whole number')).toBeTruthy();
  });

  it('validates as you type with messages naming the bound, and reports valid/invalid', () => {
    const { onChange } = setup({ values: { lookback: 10 } });
    const fast = screen.getByLabelText(/^Fast/);

    fireEvent.change(fast, { target: { value: '1' } });
    expect(screen.getByText('must be at least 2')).toBeTruthy();
    expect(fast.getAttribute('aria-invalid')).toBe('true');
    expect(lastCall(onChange)).toEqual([expect.objectContaining({ fast: 1 }), false]);

    fireEvent.change(fast, { target: { value: '2.5' } });
    expect(screen.getByText('must be a whole number')).toBeTruthy();
    expect(lastCall(onChange)[1]).toBe(false);

    fireEvent.change(fast, { target: { value: '500' } });
    expect(screen.getByText('must be at most 200')).toBeTruthy();

    fireEvent.change(fast, { target: { value: '8' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(lastCall(onChange)).toEqual([
      {
        fast: 8,
        slow: 20,
        riskPerTrade: 0.02,
        allowShort: false,
        priceSource: 'close',
        sizing: { mode: 'risk-based' },
        lookback: 10,
      },
      true,
    ]);
    // What the form reports parses with the real schema.
    expect(params.safeParse(lastCall(onChange)[0]).success).toBe(true);

    fireEvent.change(screen.getByLabelText('Risk per trade'), { target: { value: '0' } });
    expect(screen.getByText('must be greater than 0')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Risk per trade'), { target: { value: '0.01' } });
    fireEvent.change(screen.getByLabelText('Stop loss'), { target: { value: '1' } });
    expect(screen.getByText('must be less than 1')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Stop loss'), { target: { value: '' } });
    expect(lastCall(onChange)[0]).not.toHaveProperty('stopLoss');
    expect(lastCall(onChange)[1]).toBe(true);

    fireEvent.click(screen.getByLabelText('Allow short'));
    fireEvent.change(screen.getByLabelText('Price source'), { target: { value: '2' } });
    expect(lastCall(onChange)[0]).toMatchObject({
      allowShort: true,
      priceSource: 'ohlc4',
      riskPerTrade: 0.01,
    });
  });

  it('requires a required field without a default', () => {
    const { onChange } = setup();
    expect(screen.getByText('is required')).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/^Lookback/), { target: { value: '3' } });
    expect(screen.queryByText('is required')).toBeNull();
    expect(lastCall(onChange)[1]).toBe(true);
  });

  it('shows server-side errors on their field and above the form', () => {
    setup({
      values: { fast: 30, slow: 20, lookback: 5 },
      errors: { fast: 'fast must be less than slow', '': 'Strategy is running; stop it first' },
    });
    expect(screen.getByText('fast must be less than slow')).toBeTruthy();
    expect(screen.getByText('Strategy is running; stop it first')).toBeTruthy();
    expect((screen.getByLabelText(/^Fast/) as HTMLInputElement).value).toBe('30');
    expect(screen.getByLabelText(/^Fast/).getAttribute('aria-invalid')).toBe('true');
  });

  it('applies new values from the parent but keeps what is typed when given back its own values', () => {
    const onChange = vi.fn();
    const { rerender } = render(<SchemaForm schema={schema} onChange={onChange} values={{ fast: 5 }} />);
    const fast = screen.getByLabelText(/^Fast/) as HTMLInputElement;
    fireEvent.change(fast, { target: { value: '7' } });
    rerender(<SchemaForm schema={schema} onChange={onChange} values={{ ...lastCall(onChange)[0] }} />);
    expect(fast.value).toBe('7');
    rerender(<SchemaForm schema={schema} onChange={onChange} values={{ fast: 12 }} />);
    expect(fast.value).toBe('12');
  });
});

describe('schema helpers', () => {
  it('humanises keys', () => {
    expect(humanise('riskPerTrade')).toBe('Risk per trade');
    expect(humanise('max_daily_loss')).toBe('Max daily loss');
    expect(humanise('rsiPeriod')).toBe('RSI period');
    expect(humanise('maxATRMultiple')).toBe('Max ATR multiple');
    expect(humanise('sma50')).toBe('SMA 50');
    expect(humanise('allowShort')).toBe('Allow short');
    expect(humanise('pnl')).toBe('P&L');
    expect(humanise('take-profit')).toBe('Take profit');
  });

  it('validates single values against a field schema', () => {
    const fast = schema.properties!.fast!;
    expect(validateField(fast, 1)).toBe('must be at least 2');
    expect(validateField(fast, '201')).toBe('must be at most 200');
    expect(validateField(fast, 2.5)).toBe('must be a whole number');
    expect(validateField(fast, 'abc')).toBe('must be a number');
    expect(validateField(fast, 10)).toBeUndefined();
    expect(validateField(fast, '')).toBeUndefined(); // has a default
    expect(validateField(schema.properties!.lookback!, '', { required: true })).toBe('is required');
    expect(validateField(schema.properties!.priceSource!, 'open')).toBe('must be one of close, hl2, ohlc4');
    expect(validateField(schema.properties!.allowShort!, true)).toBeUndefined();
    expect(validateField({ type: 'number', multipleOf: 0.5 }, 1.25)).toBe('must be a multiple of 0.5');
    expect(validateField({ type: 'number', multipleOf: 0.1 }, 0.3)).toBeUndefined();
    expect(validateField({ type: ['number', 'null'] }, null)).toBeUndefined();
    expect(validateField({ type: 'string', minLength: 2 }, 'a')).toBe('must be at least 2 characters');
    expect(validateValues(schema, { fast: 1, slow: 20 })).toEqual({
      fast: 'must be at least 2',
      lookback: 'is required',
    });
  });
});
