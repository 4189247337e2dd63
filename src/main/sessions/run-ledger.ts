// What a run writes: the engine's events of each bar time, or of each batch of broker events, closed with the
// account as it then stands (positions, equity, risk state, the day's figures) and committed in one transaction;
// only what is committed is pushed. While a recovery replays the ledger, events are recomputed, not written again.
import type { PushPublisher } from '../../shared/api/ports';
import type { AlertSeverity, LimitBasis, PositionRow, SessionStatus } from '../../shared/domain/session';
import type { RiskState } from '../../shared/domain/trading';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { LedgerBatch, SessionRepo } from '../store/session-repo';
import { DayLedger } from './day-ledger';
import { type AccountView, RunPublisher } from './run-publisher';
import { emptyBatch, RunRecorder } from './run-recorder';

/**
 * The account a run's ledger settles each batch with: an equity run's portfolio (portfolioAccount) or an options
 * run's book. Read after the run marked it.
 */
export interface RunAccount {
  readonly cash: number;
  readonly equity: number;
  /** Realized P&L after fees since the run began, and the fees: the day's figures are differences of them. */
  readonly realizedNet: number;
  readonly fees: number;
  /** Every position as the ledger stores it (flat ones too, so a closed position is written flat). */
  positions(): PositionRow[];
}

/** What the ledger reads from and does to the run it writes. */
export interface LedgeredRun {
  account(): RunAccount;
  /** Marks the account to the latest prices (a batch outside a bar: broker events). */
  markToMarket(): void;
  riskState(): RiskState;
  riskReason(): string | null;
  /** What the risk gateway judges its loss limits against now. */
  limitBasis(): LimitBasis;
  /** The newest bar time (broker events carry no bar), or now before the first bar. */
  lastBarTime(): number;
  /** The drift alert's message when this bar's return takes the run out of its band. */
  drift(previousEquity: number, equity: number): string | undefined;
  /** Sends the orders the engine decided (an Alpaca run's): only once their intents are durable. */
  sendOrders(): void;
}

export interface RunLedgerDeps {
  readonly repo: SessionRepo;
  readonly pushes: PushPublisher;
  readonly now: () => number;
}

export class RunLedger {
  /** The engine's sink: its events go to the batch being built. */
  readonly recorder = new RunRecorder();
  /** Replaying after a crash: nothing is committed, pushed or sent. */
  replaying = false;
  private readonly day: DayLedger;
  private readonly publisher: RunPublisher;

  constructor(
    private readonly runId: string,
    sessionId: string,
    cash: number,
    private readonly run: LedgeredRun,
    private readonly deps: RunLedgerDeps,
  ) {
    this.day = new DayLedger(cash);
    this.publisher = new RunPublisher(deps.pushes, sessionId, runId);
  }

  get dayStartEquity(): number {
    return this.day.dayStartEquity;
  }

  /** A new batch: the engine's events of the next bar time go there. */
  beginBarTime(): LedgerBatch {
    return this.recorder.begin();
  }

  /** After the engine stepped: the bar time's account, day figures and drift, committed, sent, then pushed. */
  closeBarTime(
    batch: LedgerBatch,
    time: number,
    bars: readonly SymbolBar[],
    indicatorValues: readonly ((number | null)[] | undefined)[],
  ): void {
    this.day.roll(time, this.totals());
    const account = this.settle(batch, time);
    const { equity, cash } = account;
    batch.equity = { time, equity, cash };
    const drift = this.run.drift(this.day.previousEquity, equity);
    if (drift !== undefined) this.recorder.alert(time, 'warning', 'drift', drift);
    batch.daily = this.day.close(equity, this.totals());
    if (this.replaying) {
      this.run.sendOrders();
      return;
    }
    const committed = this.deps.repo.commitBar(this.runId, batch);
    // Only now, with their intents and client order ids durable, do the bar's orders go to the broker.
    this.run.sendOrders();
    this.publisher.committed(batch, committed.alertIds, bars, indicatorValues, account);
  }

  /** A batch that closes no bar (broker events, adopted positions): what `change` records, then the account. */
  commitOutsideBar(change: (batch: LedgerBatch) => void): void {
    const batch = this.recorder.begin();
    change(batch);
    this.run.markToMarket();
    const account = this.settle(batch, this.run.lastBarTime());
    if (this.replaying) return;
    const committed = this.deps.repo.commitBar(this.runId, batch);
    this.publisher.committed(batch, committed.alertIds, [], [], account);
  }

  /** An alert outside bar processing (the watchdog, the broker): committed and pushed on its own. */
  alertNow(severity: AlertSeverity, kind: string, message: string): void {
    const batch = emptyBatch();
    const alert = { time: this.deps.now(), severity, kind, message };
    batch.alerts.push(alert);
    const [id] = this.deps.repo.commitBar(this.runId, batch).alertIds;
    if (id !== undefined) this.publisher.alert(alert, id);
  }

  status(status: SessionStatus, message?: string): void {
    this.publisher.status(status, this.run.riskState(), message);
  }

  private totals() {
    const { realizedNet, fees } = this.run.account();
    return { realizedNet, fees, trades: this.recorder.trades };
  }

  /** Closes a batch with the account as it stands: positions, equity, cash, risk state. */
  private settle(batch: LedgerBatch, time: number): AccountView {
    const run = this.run.account();
    const riskState = this.run.riskState();
    const riskReason = this.run.riskReason();
    const { cash, equity } = run;
    const positions = run.positions();
    batch.positions.push(...positions);
    batch.account = {
      cash,
      equity,
      dayStartEquity: this.day.dayStartEquity,
      riskState,
      riskReason,
      lastBarTime: time,
    };
    return { time, equity, cash, positions, limitBasis: this.run.limitBasis() };
  }
}
