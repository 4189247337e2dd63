// A config refused with the dotted path of the setting at fault, so a form can mark that field.
import type { z } from 'zod';

/** A config problem: `field` is the dotted path of the offending setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** The first zod issue as a ConfigError naming its field under `prefix`. */
export function configErrorOf(error: z.ZodError, prefix = ''): ConfigError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
  return new ConfigError(path === '' ? '(config)' : path, issue.message);
}
