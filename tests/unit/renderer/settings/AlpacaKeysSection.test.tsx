// @vitest-environment happy-dom
// Settings → Alpaca: the Validate action sends the typed symbols and feed, and lists the report's checks with their
// badges and details; it is disabled until keys are saved.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectedClient } from '../../../../src/renderer/src/api/client';
import { parseSymbols } from '../../../../src/renderer/src/components/alpaca/symbols';
import { AlpacaKeysSection } from '../../../../src/renderer/src/views/settings/AlpacaKeysSection';
import type { CallName } from '../../../../src/shared/api/names';
import type { ApiResult } from '../../../../src/shared/api/result';
import type { CredentialsStatus, ValidationReport } from '../../../../src/shared/domain/credentials';

afterEach(cleanup);

const STORED: CredentialsStatus = {
  present: true,
  keyIdHint: 'PK…Q3ZX',
  paper: true,
  accountStatus: 'ACTIVE',
};
const NONE: CredentialsStatus = { present: false, keyIdHint: null, paper: true, accountStatus: null };

const REPORT: ValidationReport = {
  checkedAt: Date.UTC(2025, 2, 5, 15),
  keyIdHint: 'PK…Q3ZX',
  symbols: ['SPY', 'NOSH'],
  capital: null,
  feed: 'iex',
  ready: true,
  checks: [
    { id: 'keys', label: 'Keys', status: 'pass', detail: 'Alpaca accepted the key PK…Q3ZX' },
    { id: 'clock', label: 'Market clock', status: 'warn', detail: 'closed now (2025-03-05 16:30 New York)' },
    { id: 'asset:NOSH', label: 'Symbol NOSH', status: 'warn', detail: 'NOSH is tradable but not shortable' },
  ],
};

/** An api whose answers the test picks per call name; every call is recorded. */
function fakeApi(answers: Partial<Record<CallName, ApiResult<unknown>>>) {
  const call = vi.fn(async (name: CallName, _arg: unknown) => answers[name] ?? { ok: true, value: {} });
  const api = {
    transport: 'websocket',
    call,
    subscribe: () => () => {},
    onConnection: () => () => {},
  } as unknown as ConnectedClient;
  return { api, call };
}

describe('AlpacaKeysSection: Validate', () => {
  it('sends the typed symbols and feed, then lists each check with its badge and detail', async () => {
    const { api, call } = fakeApi({
      'credentials:status': { ok: true, value: STORED },
      'alpaca:validate': { ok: true, value: REPORT },
    });
    render(<AlpacaKeysSection api={api} />);
    const button = await screen.findByRole('button', { name: 'Validate' });
    expect((screen.getByLabelText('Symbols') as HTMLInputElement).value).toBe('SPY');

    fireEvent.change(screen.getByLabelText('Symbols'), { target: { value: 'spy, nosh' } });
    fireEvent.change(screen.getByLabelText('Data feed'), { target: { value: 'sip' } });
    fireEvent.click(button);

    const list = await screen.findByTestId('alpaca-validation');
    expect(call).toHaveBeenCalledWith('alpaca:validate', { symbols: ['SPY', 'NOSH'], feed: 'sip' });
    expect(within(list).getByRole('status').textContent).toBe('Ready for a paper session, with 2 warnings.');
    const clock = screen.getByTestId('alpaca-check-clock');
    expect(clock.dataset['status']).toBe('warn');
    expect(clock.querySelector('.badge')?.className).toBe('badge tone-warn');
    expect(clock.textContent).toBe('warnMarket clockclosed now (2025-03-05 16:30 New York)');
    expect(screen.getByTestId('alpaca-check-keys').querySelector('.badge')?.className).toBe('badge tone-up');
    expect(screen.getByTestId('alpaca-check-asset:NOSH').textContent).toContain('not shortable');
  });

  it('a failed report reads "Not ready" with the count; a refused call shows its message', async () => {
    const failed: ValidationReport = {
      ...REPORT,
      ready: false,
      checks: [
        { id: 'keys', label: 'Keys', status: 'fail', detail: 'Alpaca refused these keys (HTTP 401)' },
        { id: 'account', label: 'Account', status: 'skip', detail: 'needs valid keys' },
      ],
    };
    const { api } = fakeApi({
      'credentials:status': { ok: true, value: STORED },
      'alpaca:validate': { ok: true, value: failed },
    });
    render(<AlpacaKeysSection api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Validate' }));
    await waitFor(() => expect(screen.getByTestId('alpaca-validation')).toBeTruthy());
    expect(screen.getByText('Not ready: 1 failed, 1 skipped.')).toBeTruthy();
    expect(screen.getByTestId('alpaca-check-account').querySelector('.badge')?.className).toBe(
      'badge tone-muted',
    );

    cleanup();
    const refused = fakeApi({
      'credentials:status': { ok: true, value: STORED },
      'alpaca:validate': {
        ok: false,
        error: {
          code: 'bad-request',
          message: 'alpaca:validate: symbols.0: a symbol is 1–15 capital letters',
        },
      },
    });
    render(<AlpacaKeysSection api={refused.api} />);
    fireEvent.change(await screen.findByLabelText('Symbols'), { target: { value: '$$$' } });
    fireEvent.click(screen.getByRole('button', { name: 'Validate' }));
    expect((await screen.findByTestId('alpaca-keys-notice')).textContent).toContain('symbols.0');
    expect(screen.queryByTestId('alpaca-validation')).toBeNull();
  });

  it('is disabled until keys are saved', async () => {
    const { api, call } = fakeApi({ 'credentials:status': { ok: true, value: NONE } });
    render(<AlpacaKeysSection api={api} />);
    const button = (await screen.findByRole('button', { name: 'Validate' })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(call.mock.calls.map(([name]) => name)).toEqual(['credentials:status']);
  });

  it('reads symbols typed with commas or spaces, once each', () => {
    expect(parseSymbols(' spy, nosh  msft;SPY ')).toEqual(['SPY', 'NOSH', 'MSFT']);
    expect(parseSymbols('  ')).toEqual([]);
  });
});

describe('AlpacaKeysSection: no OS keychain', () => {
  it('says what is missing and what to install, and Save stays disabled', async () => {
    const problem =
      "The OS keychain is not available: keytar could not be loaded (Cannot find module 'keytar'). On Debian/Ubuntu: sudo apt-get install libsecret-1-dev gnome-keyring, then npm rebuild keytar";
    const { api } = fakeApi({
      'credentials:status': { ok: true, value: { ...NONE, keychainProblem: problem } },
    });
    render(<AlpacaKeysSection api={api} />);

    const alert = await screen.findByTestId('alpaca-keychain-problem');
    fireEvent.change(screen.getByLabelText('API key id'), { target: { value: 'PKTESTTESTTESTTEST12' } });
    fireEvent.change(screen.getByLabelText('Secret key'), { target: { value: 'x'.repeat(40) } });

    expect(alert.textContent).toBe(problem);
    expect(alert.getAttribute('role')).toBe('alert');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('with a keychain, no such message and Save enables once both fields are filled', async () => {
    const { api } = fakeApi({ 'credentials:status': { ok: true, value: NONE } });
    render(<AlpacaKeysSection api={api} />);
    const save = (await screen.findByRole('button', { name: 'Save' })) as HTMLButtonElement;

    fireEvent.change(screen.getByLabelText('API key id'), { target: { value: 'PKTESTTESTTESTTEST12' } });
    fireEvent.change(screen.getByLabelText('Secret key'), { target: { value: 'x'.repeat(40) } });

    expect(screen.queryByTestId('alpaca-keychain-problem')).toBeNull();
    expect(save.disabled).toBe(false);
  });
});
