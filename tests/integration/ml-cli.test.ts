// `npm run ml` end to end: the prebuilt bundle (out/cli/ml.cjs, built before the integration suite) run as a child
// process. predict on XGBoost's JSON files (the hand-written fixtures, predictions worked out by hand) and on our own
// files; fit on a features CSV; bad input refused with exit status 2 and one line naming it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainBooster } from '../../src/main/ml/booster';
import { featureMatrixOf, parseFeatureTable } from '../../src/main/ml/feature-table';
import { loadModelFile } from '../../src/main/ml/model-file';
import { predict } from '../../src/main/ml/trees';
import { boosterParamsSchema } from '../../src/shared/domain/ml';

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'out/cli/ml.cjs');
const FIXTURES = join(REPO, 'tests/fixtures/xgboost');
const dir = mkdtempSync(join(tmpdir(), 'marketboss-ml-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ml(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function predictionsIn(path: string): number[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  expect(header).toBe('prediction');
  return lines.map(Number);
}

const sigmoid = (margin: number) => 1 / (1 + Math.exp(-margin));

// Columns in another order than the model's, empty fields missing. Tree sums worked out in
// tests/unit/ml/xgboost-json.test.ts: (0.2, 25, 0) −0.45; (0.7, 50, −2) 0.6; all missing −0.05; (2, –, 1) 0.65.
const BINARY_FEATURES = 'vol_z,rsi_14,ret_1\n0,25,0.2\n-2,50,0.7\n,,\n1,,2\n';
const BINARY_SUMS = [-0.45, 0.6, -0.05, 0.65];

describe('ml predict', () => {
  it('XGBoost 1.7, 1.5 and 3.1 files: sigmoid(base margin + trees) to 1e-6, missing values included', () => {
    const features = write('binary.csv', BINARY_FEATURES);
    const cases: [string, number][] = [
      ['binary-1.7.json', 0],
      ['binary-3.1.json', 0],
      ['binary-1.5-booleans.json', Math.log(1 / 3)], // base_score 0.25 → logit
    ];
    for (const [file, base] of cases) {
      const out = join(dir, `${file}.predictions.csv`);
      const run = ml('predict', '--model', join(FIXTURES, file), '--features', features, '--out', out);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`wrote 4 predictions (binary:logistic) to ${out}`);
      const predictions = predictionsIn(out);
      expect(predictions).toHaveLength(4);
      BINARY_SUMS.forEach((sum, i) => {
        expect(Math.abs(predictions[i]! - sigmoid(base + sum))).toBeLessThan(1e-6);
      });
    }
  });

  it('XGBoost 2.1 regression without feature names: columns f0, f1; float32 comparisons', () => {
    // (0.09999999999 → float32 0.1 = the condition → right +1; 0.3333333 below 1/3f → +0.25) 1.5 + 1 + 0.25;
    // (0.0999999 → left −1; 1/3 → onto the condition → right −0.25) 1.5 − 1 − 0.25; (missing → right +1, left +0.25).
    const features = write(
      'regression.csv',
      'f0,f1\n0.09999999999,0.3333333\n0.0999999,0.3333333333333333\n,\n',
    );
    const out = join(dir, 'regression.predictions.csv');
    const run = ml(
      'predict',
      '--model',
      join(FIXTURES, 'regression-2.1.json'),
      '--features',
      features,
      '--out',
      out,
    );
    expect(run.status).toBe(0);
    expect(predictionsIn(out)).toEqual([2.75, 0.25, 2.75]);
  });

  it('refuses a features file whose columns do not match, naming the missing and extra ones', () => {
    const features = write('wrong.csv', 'ret_1,rsi,vol_z,hour\n1,2,3,4\n');
    const run = ml(
      'predict',
      '--model',
      join(FIXTURES, 'binary-1.7.json'),
      '--features',
      features,
      '--out',
      'p.csv',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `data error: ${features}: the columns do not match the model's features (ret_1, rsi_14, vol_z): missing column rsi_14; extra columns rsi, hour`,
    );
  });

  it('names the file, line and column of a value that is not a number', () => {
    const features = write('bad.csv', 'ret_1,rsi_14,vol_z\n1,2,3\n\n0.5,thirty,1\n');
    const run = ml(
      'predict',
      '--model',
      join(FIXTURES, 'binary-1.7.json'),
      '--features',
      features,
      '--out',
      'p.csv',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`data error: ${features} line 4, column rsi_14: "thirty" is not a number`);
  });

  it('refuses an unsupported XGBoost model naming it and the file', () => {
    const json = JSON.parse(readFileSync(join(FIXTURES, 'binary-3.1.json'), 'utf8'));
    json.learner.objective.name = 'multi:softprob';
    json.learner.learner_model_param.num_class = '3';
    const model = write('multiclass.json', JSON.stringify(json));
    const features = write('ok.csv', BINARY_FEATURES);
    const run = ml('predict', '--model', model, '--features', features, '--out', 'p.csv');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`model error: ${model}: multi-class objective multi:softprob is not supported`);
    const missing = ml(
      'predict',
      '--model',
      join(dir, 'nope.json'),
      '--features',
      features,
      '--out',
      'p.csv',
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`data error: ${join(dir, 'nope.json')}: cannot read it (ENOENT)`);
  });
});

describe('ml fit', () => {
  // 400 rows: label 1 when a + 0.3·noise > 0.6, b is noise; every 13th a is missing.
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const lines = ['a,label,b'];
  const featureLines = ['b,a'];
  for (let i = 0; i < 400; i++) {
    const a = random().toFixed(4);
    const b = random().toFixed(4);
    const label = Number(a) + 0.3 * random() > 0.6 ? 1 : 0;
    const shownA = i % 13 === 0 ? '' : a;
    lines.push(`${shownA},${label},${b}`);
    featureLines.push(`${b},${shownA}`);
  }
  const train = write('train.csv', `${lines.join('\n')}\n`);
  const features = write('train-features.csv', `${featureLines.join('\n')}\n`);
  const flags = [
    '--features',
    train,
    '--label',
    'label',
    '--rounds',
    '15',
    '--max-depth',
    '3',
    '--eta',
    '0.2',
  ];

  it('writes our model file: the booster trained in process, same bytes on every run; predict reads it', () => {
    const out = join(dir, 'model.json');
    const run = ml('fit', ...flags, '--subsample', '0.8', '--seed', '3', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^fit 15 trees \(binary:logistic\) on 400 rows × 2 features: training AUC 0\.9\d+, log loss 0\.\d+\nwrote /,
    );
    const text = readFileSync(out, 'utf8');
    const model = loadModelFile(text, out);
    expect(model.ensemble.featureNames).toEqual(['a', 'b']);
    expect(model.params).toMatchObject({ rounds: 15, maxDepth: 3, eta: 0.2, subsample: 0.8, seed: 3 });
    expect(model.trainRows).toBe(400);

    // The same training in this process predicts the same.
    const table = parseFeatureTable(readFileSync(train, 'utf8'), train);
    const matrix = featureMatrixOf(table, ['a', 'b'], ['label']);
    const label = Float32Array.from(table.values[1]!);
    const params = boosterParamsSchema.parse({ rounds: 15, maxDepth: 3, eta: 0.2, subsample: 0.8, seed: 3 });
    const inProcess = trainBooster({ matrix, label, featureNames: ['a', 'b'] }, params);
    expect(predict(model.ensemble, matrix)).toEqual(predict(inProcess.ensemble, matrix));

    const again = join(dir, 'model-again.json');
    ml('fit', ...flags, '--subsample', '0.8', '--seed', '3', '--out', again);
    expect(readFileSync(again, 'utf8')).toBe(text);

    const predictions = join(dir, 'fit-predictions.csv');
    const predicted = ml('predict', '--model', out, '--features', features, '--out', predictions);
    expect(predicted.status).toBe(0);
    const expected = predict(model.ensemble, matrix);
    // Written as float32 in shortest form: each reads back to the very float32 predicted.
    predictionsIn(predictions).forEach((p, i) => {
      expect(Math.fround(p)).toBe(Math.fround(expected[i]!));
    });
  });

  it('refuses bad settings and labels naming the flag or the line', () => {
    const eta = ml('fit', ...flags, '--eta', '1.5', '--out', 'm.json');
    expect(eta.status).toBe(2);
    expect(eta.stderr).toMatch(/^config error: --eta: /);
    const objective = ml('fit', ...flags, '--objective', 'poisson', '--out', 'm.json');
    expect(objective.stderr).toBe("config error: --objective: 'poisson' is not binary or regression");
    const labels = write('labels.csv', 'a,label\n0.5,1\n0.2,\n');
    const missing = ml('fit', '--features', labels, '--label', 'label', '--out', 'm.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`data error: ${labels} line 3, column label: the label is missing`);
    const noOut = ml('fit', '--features', labels, '--label', 'label');
    expect(noOut.stderr).toBe('config error: --out: is required');
  });

  it('regression: squared error on a continuous label', () => {
    const data = write(
      'reg.csv',
      `x,y\n${Array.from({ length: 50 }, (_, i) => `${i},${2 * i}`).join('\n')}\n`,
    );
    const out = join(dir, 'reg.json');
    const run = ml(
      'fit',
      '--features',
      data,
      '--label',
      'y',
      '--objective',
      'regression',
      '--rounds',
      '50',
      '--out',
      out,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^fit 50 trees \(reg:squarederror\) on 50 rows × 1 features: training RMSE \d/,
    );
    expect(loadModelFile(readFileSync(out, 'utf8'), out).ensemble.objective).toBe('reg:squarederror');
  });
});

describe('ml usage', () => {
  it('lists the subcommands; an unknown one exits 2 naming it', () => {
    const usage = ml('--help');
    expect(usage.status).toBe(0);
    expect(usage.stdout).toContain('fit      --features train.csv --label COLUMN');
    expect(usage.stdout).toContain(
      'predict  --model model.json --features features.csv --out predictions.csv',
    );
    const unknown = ml('bake');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      "config error: 'bake' is not an ml subcommand; use one of fit, predict, train",
    );
  });
});
