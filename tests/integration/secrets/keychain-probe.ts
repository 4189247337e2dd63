// Whether this process reaches a Secret Service (npm test starts gnome-keyring on a private D-Bus for integration
// tests); the keychain suites skip, naming the reason, where none answers.
import { osKeychain } from '../../../src/main/secrets/keychain';

export const testKeychain = osKeychain({ timeoutMs: 5_000 });

/** null when the keychain answers, otherwise why not. */
export const keychainProblem: string | null = await testKeychain.probe().then(
  () => null,
  (error: Error) => error.message,
);

export const keychainSkipReason = `skipped: no OS keychain here (${keychainProblem}) — run under npm test or dbus-run-session with gnome-keyring`;
