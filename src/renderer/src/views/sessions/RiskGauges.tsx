// Exposure and daily loss against their limits, beside the session's figures.
import type { SessionSnapshot } from '../../../../shared/domain/session';
import type { JsonSchema } from '../../components/form/schema-model';
import { useCatalogueStore } from '../../stores/context';
import { riskGauges } from './risk-gauges';

export function RiskGauges({ snapshot }: { snapshot: SessionSnapshot }) {
  const schema = useCatalogueStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  const risk = (snapshot.session.config['risk'] ?? {}) as Readonly<Record<string, unknown>>;
  const gauges = riskGauges(snapshot, risk, schema);
  if (gauges.length === 0) return null;
  return (
    <section className="ss-gauges" aria-label="Risk limits">
      {gauges.map((g) => (
        <div key={g.id} className="ss-gauge" data-testid={`gauge-${g.id}`}>
          <span className="ss-gauge-label">{g.label}</span>
          {/* The bar repeats the text beside it for the eye; screen readers read the text. */}
          <div className="ss-gauge-track" aria-hidden="true">
            <div
              className={`ss-gauge-fill tone-${g.tone}`}
              style={{ width: `${(g.used * 100).toFixed(1)}%` }}
            />
            {g.warnAt !== null && g.warnAt < g.limit && (
              <div
                className="ss-gauge-mark"
                style={{ left: `${((g.warnAt / g.limit) * 100).toFixed(1)}%` }}
              />
            )}
          </div>
          <span className="ss-gauge-text mb-num">{g.text}</span>
        </div>
      ))}
    </section>
  );
}
