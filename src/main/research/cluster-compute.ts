// The threads a cluster worker runs its cells on. A cell is CPU work that blocks the thread it runs on; run on the
// thread that talks to BullMQ, it would stop the lock renewals that tell the queue the worker is alive, and a cell
// longer than the lock would be taken by another worker. So BullMQ keeps the main thread and each cell runs on one of
// these threads. The dataset's columns live in SharedArrayBuffers (decodeDataset's `shared`): every thread reads the
// same memory, nothing is copied per cell.
import { parentPort, Worker as Thread, workerData } from 'node:worker_threads';
import type { BarSeries } from '../../shared/domain/bars';
import { ConfigError } from '../strategies/run-config';
import { type CellJob, type CellOutcome, runCell } from './cell';

/** Marks the compute threads' workerData, so the bundle's entry knows what to run. */
export const COMPUTE_ROLE = 'marketboss-cluster-compute';

interface CellRequest {
  readonly id: number;
  readonly series: readonly BarSeries[];
  readonly cell: CellJob;
}
type CellReply =
  | { readonly id: number; readonly outcome: CellOutcome }
  | { readonly id: number; readonly refused: { readonly field: string; readonly detail: string } }
  | { readonly id: number; readonly failed: string };

interface ComputeThread {
  thread: Thread;
  busy: { readonly id: number; resolve(o: CellOutcome): void; reject(e: Error): void } | null;
}

export class ComputePool {
  private readonly threads: ComputeThread[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closed = false;

  /** `entry`: the bundle file, started again as each thread (it runs runComputeThread there). */
  constructor(
    private readonly entry: string,
    size: number,
  ) {
    for (let k = 0; k < size; k++) this.threads.push(this.spawn());
  }

  private spawn(): ComputeThread {
    const slot: ComputeThread = {
      thread: new Thread(this.entry, { workerData: { role: COMPUTE_ROLE } }),
      busy: null,
    };
    slot.thread.on('message', (reply: CellReply) => {
      const busy = slot.busy;
      if (busy === null || busy.id !== reply.id) return;
      slot.busy = null;
      if ('outcome' in reply) busy.resolve(reply.outcome);
      else if ('refused' in reply) busy.reject(new ConfigError(reply.refused.field, reply.refused.detail));
      else busy.reject(new Error(reply.failed));
      this.waiting.shift()?.();
    });
    slot.thread.on('error', () => {}); // its exit follows; the cell in hand fails there
    slot.thread.once('exit', (code) => {
      slot.busy?.reject(new Error(`the compute thread running this cell stopped (exit ${code})`));
      slot.busy = null;
      if (this.closed) return;
      // A thread that died is replaced; the cell it held is retried by BullMQ (attempts).
      const k = this.threads.indexOf(slot);
      if (k >= 0) this.threads[k] = this.spawn();
      this.waiting.shift()?.();
    });
    return slot;
  }

  /** Thread number (1-based) and outcome of the cell; a refused config rejects with its ConfigError. */
  async run(series: readonly BarSeries[], cell: CellJob): Promise<{ thread: number; outcome: CellOutcome }> {
    for (;;) {
      if (this.closed) throw new Error('the cluster worker is stopping');
      const k = this.threads.findIndex((t) => t.busy === null);
      if (k >= 0) {
        const slot = this.threads[k]!;
        const id = this.nextId++;
        const outcome = new Promise<CellOutcome>((resolve, reject) => {
          slot.busy = { id, resolve, reject };
        });
        slot.thread.postMessage({ id, series, cell } satisfies CellRequest);
        return { thread: k + 1, outcome: await outcome };
      }
      await new Promise<void>((free) => this.waiting.push(free));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const free of this.waiting.splice(0)) free();
    await Promise.all(this.threads.map((t) => t.thread.terminate()));
  }
}

/** A compute thread's life: run each cell it is sent and answer with its outcome. */
export function runComputeThread(): void {
  if (parentPort === null || (workerData as { role?: string })?.role !== COMPUTE_ROLE)
    throw new Error('runComputeThread runs in a compute thread');
  const port = parentPort;
  port.on('message', ({ id, series, cell }: CellRequest) => {
    try {
      port.postMessage({ id, outcome: runCell(series, cell) } satisfies CellReply);
    } catch (error) {
      port.postMessage(
        (error instanceof ConfigError
          ? { id, refused: { field: error.field, detail: error.detail } }
          : { id, failed: error instanceof Error ? error.message : String(error) }) satisfies CellReply,
      );
    }
  });
}
