// A config refused with the dotted path of the setting at fault, so a form can mark that field.
import type { z } from 'zod';
import { issueMessage } from '../../shared/api/field-errors';
import { type ApiFailure, badFields } from '../../shared/api/ports';

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
  return new ConfigError(path === '' ? '(config)' : path, issueMessage(issue));
}

/** The refusal the API answers with: the field under `config.`, labelled as the forms label it. */
export function configFailure(error: ConfigError): ApiFailure {
  return badFields([{ path: `config.${error.field}`, message: error.detail }]);
}
