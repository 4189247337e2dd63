// The selected run's own labels: its name, tags, note and pin, saved together; and its tearsheet as a download.
import { useEffect, useState } from 'react';
import type { BacktestSummary } from '../../../../shared/domain/backtest';
import { saveFile } from '../../components/files/save-file';
import { useBacktestStore } from '../../stores/context';
import { parseTags } from './run-filter';

export function RunLabelsPanel({ run }: { readonly run: BacktestSummary }) {
  const update = useBacktestStore((s) => s.update);
  const tearsheet = useBacktestStore((s) => s.tearsheet);
  const [name, setName] = useState(run.name);
  const [tags, setTags] = useState(run.tags.join(', '));
  const [note, setNote] = useState(run.note);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  // Another run, or this one saved: the fields show what is stored.
  useEffect(() => {
    setName(run.name);
    setTags(run.tags.join(', '));
    setNote(run.note);
    setProblem(null);
  }, [run.name, run.tags, run.note]);

  const changed = name !== run.name || tags !== run.tags.join(', ') || note !== run.note;
  const save = async () => {
    setSaving(true);
    setProblem(await update(run.id, { name, tags: parseTags(tags), note }));
    setSaving(false);
  };

  return (
    <form
      className="bt-labels"
      aria-label="Run name, tags and note"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void save();
      }}
    >
      <button
        type="button"
        className={run.pinned ? 'chip active' : 'chip'}
        aria-pressed={run.pinned}
        title={run.pinned ? 'Unpin: the run goes back to its place by date' : 'Pin: the run stays at the top'}
        onClick={() => void update(run.id, { pinned: !run.pinned }).then(setProblem)}
      >
        {run.pinned ? '★ Pinned' : '☆ Pin'}
      </button>
      <label className="bt-label-name">
        <span>Name</span>
        <input id="bt-run-name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="bt-label-tags">
        <span>Tags</span>
        <input
          id="bt-run-tags"
          value={tags}
          placeholder="baseline, high-vol"
          onChange={(e) => setTags(e.target.value)}
        />
      </label>
      <label className="bt-label-note">
        <span>Note</span>
        <input id="bt-run-note" value={note} maxLength={2_000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!changed || saving}>
        Save
      </button>
      <button
        type="button"
        className="chip"
        disabled={run.status !== 'done'}
        title={
          run.status === 'done'
            ? 'Save this run as one HTML file: metrics, equity, drawdown, monthly returns, trades'
            : 'Only a finished run has a tearsheet'
        }
        onClick={() =>
          void tearsheet(run.id).then((file) => {
            if (file) saveFile(file);
          })
        }
      >
        Tearsheet
      </button>
      {problem && (
        <span className="error-text" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
