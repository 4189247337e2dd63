// The chart's view toggles: follow live (new bars keep the newest in view, or the view stays while the user studies
// a bar) and the full-width chart (the session list and the equity curve step aside). Both kept with the workspace.
import { useWorkspaceStore } from '../../stores/context';

export function ChartViewToggles() {
  const followLive = useWorkspaceStore((s) => s.panels['chart-follow-off'] !== true);
  const full = useWorkspaceStore((s) => s.panels['chart-full'] === true);
  const setPanel = useWorkspaceStore((s) => s.setPanel);
  return (
    <>
      <button
        type="button"
        className={followLive ? 'chip active' : 'chip'}
        aria-pressed={followLive}
        aria-keyshortcuts="L"
        title="Follow live (L): new bars keep the newest in view; off, the view stays where it is"
        onClick={() => setPanel('chart-follow-off', followLive)}
      >
        Follow live
      </button>
      <button
        type="button"
        className={full ? 'chip active' : 'chip'}
        aria-pressed={full}
        aria-keyshortcuts="F"
        title="Full-width chart (F)"
        onClick={() => setPanel('chart-full', !full)}
      >
        Full width
      </button>
    </>
  );
}
