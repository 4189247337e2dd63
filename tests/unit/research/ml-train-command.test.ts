// `npm run ml -- train`: the files it writes from a real CSV, the model file reading back and predicting what the
// training's model predicts, byte-identical reruns, and bad input refused naming the flag or the file's line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { computeFeatures } from '../../../src/main/ml/features';
import { loadModelFile } from '../../../src/main/ml/model-file';
import { predict } from '../../../src/main/ml/trees';
import { matrixOfRows, trainWalkForward } from '../../../src/main/ml/walk-forward-training';
import { parseTrainFlags, trainCommand } from '../../../src/main/research/ml-train-command';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { meanRevertingBars } from '../ml/mean-reverting-bars';

function csvOf(series: BarSeries): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < series.length; i++) {
    lines.push(
      `${new Date(series.time[i]!).toISOString()},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let csv: string;
const bars = meanRevertingBars(2500, 9);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ml-train-'));
  csv = join(dir, 'mr.csv');
  writeFileSync(csv, csvOf(bars));
});

afterEach(() => vi.restoreAllMocks());

/** Runs the command with console output captured. */
async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await trainCommand(args);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const base = [
  '--symbol',
  'MR',
  '--horizon',
  '2',
  '--threshold',
  '0.0005',
  '--folds',
  '4',
  '--rounds',
  '12',
  '--max-depth',
  '3',
];

describe('npm run ml -- train', () => {
  it('writes model.json, folds.csv, importance.csv and report.json; the model reads back and predicts the same', async () => {
    const out = join(dir, 'run1');
    const { code, out: printed } = await run(['--data', csv, ...base, '--out', out]);
    expect(code).toBe(0);
    expect(printed).toMatch(/mean test AUC 0\.\d{4}/);

    const folds = readFileSync(join(out, 'folds.csv'), 'utf8').trim().split('\n');
    expect(folds[0]).toBe(
      'fold,train_from,train_to,test_from,test_to,train_rows,test_rows,auc,log_loss,accuracy,precision,recall,threshold,rmse,rounds',
    );
    expect(folds.length).toBe(5);
    expect(folds[1]!.split(',')[0]).toBe('1');

    const importance = readFileSync(join(out, 'importance.csv'), 'utf8').trim().split('\n');
    expect(importance[0]).toBe('feature,gain,cover,splits');
    // Every feature of the default set has a row, the most gain first.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(importance.length - 1).toBe(report.featureNames.length);
    const gains = importance.slice(1).map((line) => Number(line.split(',')[1]));
    expect([...gains].sort((a, b) => b - a)).toEqual(gains);
    expect(importance[1]!.split(',')[0]).toBe('return_1');

    expect(report.symbol).toBe('MR');
    expect(report.label).toEqual({ kind: 'forward-return', horizon: 2, threshold: 0.0005 });
    expect(report.walkForward).toEqual({ folds: 4, mode: 'expanding', purgeBars: 2 });
    expect(report.folds).toHaveLength(4);
    expect(report.meanAuc).toBeGreaterThan(0.6);
    expect(report.lookAhead.passed).toBe(true);
    expect(report.featureSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.calibration.length).toBeGreaterThan(0);

    const model = loadModelFile(readFileSync(join(out, 'model.json'), 'utf8'), join(out, 'model.json'));
    expect(model.symbol).toBe('MR');
    expect(model.featureSet).toEqual(report.featureSet);
    expect(model.ensemble.featureNames).toEqual(report.featureNames);
    // The file's model predicts exactly what the trained model predicts (and not a constant).
    const { request } = parseTrainFlags(['--data', csv, ...base, '--out', out]);
    const trained = trainWalkForward(request, { series: bars });
    const features = computeFeatures(model.featureSet!, bars);
    const rows = Int32Array.from({ length: 400 }, (_, k) => 2000 + k);
    const predictions = predict(model.ensemble, matrixOfRows(features, rows));
    expect(predictions).toEqual(predict(trained.ensemble, matrixOfRows(features, rows)));
    expect(new Set(predictions).size).toBeGreaterThan(5);
  });

  it('the same command writes the same bytes', async () => {
    const a = join(dir, 'same-a');
    const b = join(dir, 'same-b');
    expect((await run(['--data', csv, ...base, '--seed', '3', '--out', a])).code).toBe(0);
    expect((await run(['--data', csv, ...base, '--seed', '3', '--out', b])).code).toBe(0);
    for (const file of ['model.json', 'folds.csv', 'importance.csv']) {
      expect(readFileSync(join(b, file), 'utf8'), file).toBe(readFileSync(join(a, file), 'utf8'));
    }
  });

  it('a feature set from a file, with another symbol (--other) and a higher timeframe', async () => {
    const otherCsv = join(dir, 'other.csv');
    writeFileSync(otherCsv, csvOf({ ...meanRevertingBars(2500, 10), symbol: 'MR2' }));
    const setFile = join(dir, 'set.json');
    writeFileSync(
      setFile,
      JSON.stringify({
        features: [
          { kind: 'return', lag: 1 },
          { kind: 'rsi', period: 14 },
        ],
        symbols: ['MR2'],
        timeframes: [3],
      }),
    );
    const out = join(dir, 'with-other');
    const { code } = await run([
      '--data',
      csv,
      ...base,
      '--features',
      setFile,
      '--other',
      `MR2=${otherCsv}`,
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.featureNames).toEqual([
      'return_1',
      'rsi_14',
      'MR2:return_1',
      'MR2:rsi_14',
      'x3:return_1',
      'x3:rsi_14',
    ]);
    expect(report.lookAhead.passed).toBe(true);
  });

  it('bad flags are refused naming the flag, before any training', async () => {
    expect(() => parseTrainFlags(['--symbol', 'MR', '--out', dir])).toThrow(/--data/);
    expect(() => parseTrainFlags(['--data', csv, '--symbol', 'MR', '--out', dir, '--folds', '0'])).toThrow(
      /--folds: must be at least 1/,
    );
    expect(() =>
      parseTrainFlags(['--data', csv, '--symbol', 'MR', '--out', dir, '--max-depth', 'deep']),
    ).toThrow(/--max-depth: 'deep' is not a number/);
    expect(() =>
      parseTrainFlags(['--data', csv, '--symbol', 'MR', '--out', dir, '--mode', 'sliding']),
    ).toThrow(/--mode: 'sliding' is not expanding or rolling/);
    expect(() =>
      parseTrainFlags([
        '--data',
        csv,
        '--symbol',
        'MR',
        '--out',
        dir,
        '--label',
        'triple-barrier',
        '--stop',
        '0.01',
      ]),
    ).toThrow(/--target/);
    const features = join(dir, 'bad-set.json');
    writeFileSync(features, JSON.stringify({ features: [{ kind: 'rsi', period: 0 }] }));
    expect(() =>
      parseTrainFlags(['--data', csv, '--symbol', 'MR', '--out', dir, '--features', features]),
    ).toThrow(/--features \(features\.0\.period\)/);
    const withOther = join(dir, 'other-set.json');
    writeFileSync(withOther, JSON.stringify({ features: [{ kind: 'rsi', period: 14 }], symbols: ['SPY'] }));
    expect(() =>
      parseTrainFlags(['--data', csv, '--symbol', 'MR', '--out', dir, '--features', withOther]),
    ).toThrow(/--other SPY=bars.csv/);
    const { code, err } = await run(['--data', csv, '--symbol', 'MR', '--out', dir, '--eta', '2']);
    expect(code).toBe(2);
    expect(err).toMatch(/config error: --eta/);
  });

  it('a bad CSV row is refused with its file and line; too few bars for the folds says so', async () => {
    const broken = join(dir, 'broken.csv');
    const lines = csvOf(bars).split('\n');
    lines[6] = '2024-01-02T00:05:00.000Z,100,99,101,100,10';
    writeFileSync(broken, lines.join('\n'));
    const bad = await run(['--data', broken, ...base, '--out', join(dir, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/broken\.csv line 7/);

    const short = join(dir, 'short.csv');
    writeFileSync(short, csvOf({ ...bars, length: 60 }));
    const few = await run(['--data', short, ...base, '--out', join(dir, 'never')]);
    expect(few.code).toBe(2);
    expect(few.err).toMatch(/data error: .*too few for 4 folds/);
  });
});
