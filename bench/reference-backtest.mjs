// The plain reference for the `data` bench: what a user would write in one file to backtest an SMA crossover from a
// CSV, with no attention to speed. It reads the whole file, splits lines and fields, parses numbers, runs a long-only
// fast/slow SMA crossover (fixed quantity, market orders decided at a bar's close fill at the next bar's open, a cash
// account: a buy that costs more than the cash is refused, the open position is sold at the last close), and writes
// trades.csv and report.json (final equity, max drawdown). Written plainly on purpose: do not tune it.
//
// usage: node bench/reference-backtest.mjs <bars.csv> <out-dir> [fast] [slow] [qty] [cash]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [file, outDir, fastText = '10', slowText = '30', qtyText = '100', cashText = '100000'] =
  process.argv.slice(2);
const fast = Number(fastText);
const slow = Number(slowText);
const qty = Number(qtyText);
let cash = Number(cashText);

const lines = readFileSync(file, 'utf8').split('\n');
const header = lines[0].split(',');
const col = (name) => header.indexOf(name);
const [ti, oi, hi, li, ci, vi] = ['timestamp', 'open', 'high', 'low', 'close', 'volume'].map(col);
const bars = [];
for (let i = 1; i < lines.length; i++) {
  if (lines[i] === '') continue;
  const f = lines[i].split(',');
  const bar = {
    time: Date.parse(f[ti]),
    open: parseFloat(f[oi]),
    high: parseFloat(f[hi]),
    low: parseFloat(f[li]),
    close: parseFloat(f[ci]),
    volume: parseFloat(f[vi]),
  };
  if (!Number.isFinite(bar.time) || !(bar.high >= Math.max(bar.open, bar.close))) {
    throw new Error(`${file} line ${i + 1}: bad bar`);
  }
  bars.push(bar);
}

const equity = [];
const trades = [];
let position = 0;
let entry = null;
let pending = 0;
let rejected = 0;
let fastSum = 0;
let slowSum = 0;
let previousSpread = Number.NaN;
for (let i = 0; i < bars.length; i++) {
  const bar = bars[i];
  if (pending > 0) {
    if (qty * bar.open > cash) rejected++;
    else {
      cash -= qty * bar.open;
      position = qty;
      entry = { time: bar.time, price: bar.open };
    }
  } else if (pending < 0) {
    cash += position * bar.open;
    trades.push({
      ...entry,
      exitTime: bar.time,
      exitPrice: bar.open,
      pnl: position * (bar.open - entry.price),
    });
    position = 0;
  }
  pending = 0;
  fastSum += bar.close;
  if (i >= fast) fastSum -= bars[i - fast].close;
  slowSum += bar.close;
  if (i >= slow) slowSum -= bars[i - slow].close;
  if (i >= slow - 1) {
    const spread = fastSum / fast - slowSum / slow;
    if (previousSpread <= 0 && spread > 0 && position === 0) pending = 1;
    else if (previousSpread >= 0 && spread < 0 && position > 0) pending = -1;
    previousSpread = spread;
  }
  equity.push(cash + position * bar.close);
}
if (position > 0) {
  const last = bars[bars.length - 1];
  cash += position * last.close;
  trades.push({
    ...entry,
    exitTime: last.time,
    exitPrice: last.close,
    pnl: position * (last.close - entry.price),
  });
}

mkdirSync(outDir, { recursive: true });
let peak = 0;
let maxDrawdown = 0;
for (const value of equity) {
  peak = Math.max(peak, value);
  maxDrawdown = Math.max(maxDrawdown, (peak - value) / peak);
}
const tradeRows = trades.map(
  (t) =>
    `${new Date(t.time).toISOString()},${t.price},${new Date(t.exitTime).toISOString()},${t.exitPrice},${t.pnl}`,
);
writeFileSync(
  join(outDir, 'trades.csv'),
  `entry_time,entry_price,exit_time,exit_price,pnl\n${tradeRows.join('\n')}\n`,
);
writeFileSync(
  join(outDir, 'report.json'),
  JSON.stringify(
    { bars: bars.length, trades: trades.length, rejected, finalEquity: cash, maxDrawdown },
    null,
    2,
  ),
);
console.log(
  `${bars.length} bars, ${trades.length} trades, ${rejected} buys refused, final equity ${cash.toFixed(2)}`,
);
