// The outcome of an Alpaca validation (alpaca:validate): a headline saying whether a paper session can start, then
// each check with its badge and reason. Shown in Settings → Alpaca and on an Alpaca session's page.
import type { ValidationReport, ValidationStatus } from '../../../../shared/domain/credentials';
import './validation-checks.css';

const STATUS_TONES: Record<ValidationStatus, string> = {
  pass: 'tone-up',
  warn: 'tone-warn',
  fail: 'tone-down',
  skip: 'tone-muted',
};

export function validationHeadline(report: ValidationReport): string {
  const count = (status: ValidationStatus) => report.checks.filter((c) => c.status === status).length;
  const [failed, warned, skipped] = [count('fail'), count('warn'), count('skip')];
  if (report.ready)
    return warned === 0
      ? 'Ready for a paper session: every check passed.'
      : `Ready for a paper session, with ${warned} ${warned === 1 ? 'warning' : 'warnings'}.`;
  const parts = [`${failed} failed`, ...(skipped > 0 ? [`${skipped} skipped`] : [])];
  return `Not ready: ${parts.join(', ')}.`;
}

export function ValidationChecks({ report }: { readonly report: ValidationReport }) {
  return (
    <div className="alpaca-validation" data-testid="alpaca-validation">
      <p
        className={report.ready ? 'alpaca-validation-headline' : 'alpaca-validation-headline not-ready'}
        role="status"
      >
        {validationHeadline(report)}
      </p>
      <ul className="alpaca-validation-checks">
        {report.checks.map((check) => (
          <li key={check.id} data-testid={`alpaca-check-${check.id}`} data-status={check.status}>
            <span className={`badge ${STATUS_TONES[check.status]}`}>{check.status}</span>
            <span className="alpaca-validation-label">{check.label}</span>
            <span className="alpaca-validation-detail">{check.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
