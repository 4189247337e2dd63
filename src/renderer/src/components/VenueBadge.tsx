// Where a session's orders go, as a badge: an Alpaca paper session must never be mistaken for the simulator.
import type { SessionVenue } from '../../../shared/domain/session';

export const VENUE_LABELS: Readonly<Record<SessionVenue, string>> = {
  simulated: 'Simulator',
  'alpaca-paper': 'Alpaca paper',
};

export function VenueBadge({ venue }: { readonly venue: SessionVenue }) {
  return (
    <span
      className={`badge venue-badge ${venue === 'alpaca-paper' ? 'venue-alpaca' : 'tone-muted'}`}
      data-testid="venue-badge"
      title={
        venue === 'alpaca-paper'
          ? 'Orders go to your Alpaca paper account'
          : 'Orders go to the built-in simulated broker'
      }
    >
      {VENUE_LABELS[venue]}
    </span>
  );
}
