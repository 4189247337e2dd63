// What the workstation looked like when it was closed, stored with the settings so a restart opens where the user
// left off: the view, what was selected in it, the chart timeframe, open panels; and the desktop window's place.
import { z } from 'zod';
import { MAX_COMPARED_RUNS } from './backtest';
import { TIMEFRAMES } from './bars';
import { chartIndicatorListSchema } from './chart-tools';

export const VIEW_IDS = ['overview', 'sessions', 'backtests', 'settings', 'research', 'models'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

// Ids are checked by shape only: a run or session deleted since is simply not restored.
const storedId = z.string().regex(/^[a-z]{1,4}-[a-z0-9-]{1,60}$/);

/** Panels and toggles by name (`bt-risk`, `bt-compare` …): true when open. */
const panelsSchema = z
  .record(z.string().regex(/^[a-z0-9-]{1,40}$/), z.boolean())
  .refine((panels) => Object.keys(panels).length <= 40, 'at most 40 panels');

/** Pane sizes by pane name (`ss-side`, `ss-chart` …) in CSS pixels, as the user dragged them. */
const paneSizesSchema = z
  .record(z.string().regex(/^[a-z0-9-]{1,40}$/), z.number().int().min(0).max(10_000))
  .refine((sizes) => Object.keys(sizes).length <= 40, 'at most 40 pane sizes');

/** Every field optional: a workspace saved by an older version (or never saved) restores what it has. */
export const workspaceSchema = z
  .object({
    view: z.enum(VIEW_IDS).optional(),
    backtestRunId: storedId.nullable().optional(),
    sessionId: storedId.nullable().optional(),
    /** The backtest chart's timeframe when coarser than the run's; null: the run's own. */
    chartTimeframe: z.enum(TIMEFRAMES).nullable().optional(),
    /** The two runs last compared side by side, as versions before four-run comparisons saved them (read only). */
    compare: z.object({ a: storedId.nullable(), b: storedId.nullable() }).strict().optional(),
    /** The runs ticked for comparison, in the order they were ticked (the first is the one the others are measured
     * against). */
    compareRuns: z.array(storedId).max(MAX_COMPARED_RUNS).optional(),
    panels: panelsSchema.optional(),
    paneSizes: paneSizesSchema.optional(),
    /** The indicators the user added to each chart, apart from the strategy's own lines. */
    chartIndicators: z
      .object({ backtest: chartIndicatorListSchema.optional(), session: chartIndicatorListSchema.optional() })
      .strict()
      .optional(),
  })
  .strict();
export type Workspace = z.output<typeof workspaceSchema>;

/** The desktop window's normal (unmaximized) bounds in screen pixels, and whether it was maximized. */
export const windowStateSchema = z
  .object({
    x: z.number().int().min(-100_000).max(100_000),
    y: z.number().int().min(-100_000).max(100_000),
    width: z.number().int().min(100).max(100_000),
    height: z.number().int().min(100).max(100_000),
    maximized: z.boolean(),
  })
  .strict();
export type WindowState = z.output<typeof windowStateSchema>;
