import type { TimerClock } from '../../../src/main/sessions/scheduler';

/** A clock that only moves when told to, running due timers in time order (each at its own due time). */
export class FakeClock implements TimerClock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly due: number; readonly callback: () => void }>();

  constructor(startMs: number) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves to `timeMs`, firing every timer due by then, each at its due time. */
  advanceTo(timeMs: number): void {
    this.fireDue(timeMs, false);
  }

  /** Jumps to `timeMs` (a machine waking from sleep): every timer due by then fires late, at `timeMs`. */
  sleepUntil(timeMs: number): void {
    this.time = timeMs;
    this.fireDue(timeMs, true);
  }

  private fireDue(timeMs: number, late: boolean): void {
    for (;;) {
      let first: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].due <= timeMs && (first === undefined || entry[1].due < first[1].due)) first = entry;
      }
      if (first === undefined) break;
      this.timers.delete(first[0]);
      if (!late) this.time = first[1].due;
      first[1].callback();
    }
    this.time = timeMs;
  }
}
