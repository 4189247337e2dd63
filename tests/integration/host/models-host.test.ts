// The built host (out/main/host.js) trains a model on its research worker bundle (out/main/research-worker.js): the
// path a user's app takes, not the TypeScript sources the other model tests load through tsx. Needs `npm run build`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelDetail } from '../../../src/shared/domain/ml';
import { callHostApi, type RunningHost, startHostProcess } from '../../support/host-process';

let host: RunningHost;
beforeAll(async () => {
  host = await startHostProcess();
});
afterAll(async () => {
  await host.stop();
});

describe('models in the built host', () => {
  test('ml:train runs to a ready model with fold metrics', async () => {
    const { id } = await callHostApi<{ id: string }>(host, 'ml:train', {
      request: {
        symbol: 'ACME',
        data: { source: 'synthetic', symbols: ['ACME'], bars: 400, seed: 5 },
        featureSet: {
          features: [
            { kind: 'return', lag: 1 },
            { kind: 'rsi', period: 14 },
          ],
        },
        label: { kind: 'forward-return', horizon: 2 },
        params: { rounds: 5, maxDepth: 2 },
        folds: 2,
      },
    });
    let model: ModelDetail | undefined;
    for (let i = 0; i < 600 && model?.status !== 'ready'; i++) {
      model = await callHostApi<ModelDetail>(host, 'ml:get', { id });
      if (model.status === 'failed') throw new Error(`training failed: ${model.error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(model).toMatchObject({ status: 'ready', trees: 5, featureNames: ['return_1', 'rsi_14'] });
    expect(model!.folds).toHaveLength(2);
  });
});
