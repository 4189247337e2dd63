// The benchmark registry's vocabulary: a bench module runs its cases and returns figures by benchmark name.

/** Figures of one benchmark: numbers (rates, ratios, megabytes), flags and short texts. */
export type BenchFigures = Readonly<Record<string, number | string | boolean>>;

export interface BenchModule {
  readonly name: string;
  /** Runs the cases, printing a readable table as it goes; returns benchmark name → figures. */
  run(): Record<string, BenchFigures> | Promise<Record<string, BenchFigures>>;
}

/** Thrown when a benchmark's own check fails (e.g. two implementations disagree): the run must fail loudly. */
export class BenchCheckFailed extends Error {
  override readonly name = 'BenchCheckFailed';
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / 1_048_576) * 10) / 10;
}
