// What the Backtests form needs to offer a Phase 4D run: the strategy's parameter form (its zod schema as JSON
// Schema, without the preset, which the form asks for itself) and each preset's account and limits.
import type { z } from 'zod';
import {
  OPTION_PRESET_IDS,
  type OptionsBacktestInfo,
  PRESET_ACCOUNT_SIZE,
} from '../../shared/domain/options-backtest';
import { Phase4dParamsSchema } from '../strategies/phase4d';
import { PHASE4D_PRESETS } from '../strategies/phase4d-rules';

export function optionsBacktestInfo(
  jsonSchemaOf: (schema: z.ZodType) => Record<string, unknown>,
): OptionsBacktestInfo {
  const presets = Object.fromEntries(
    OPTION_PRESET_IDS.map((id) => {
      const preset = PHASE4D_PRESETS[id];
      return [
        id,
        {
          accountSize: PRESET_ACCOUNT_SIZE[id],
          contracts: preset.contracts,
          targetDailyPnl: preset.targetDailyPnl,
          maxDailyLoss: preset.maxDailyLoss,
          maxLossPerTrade: preset.maxLossPerTrade,
        },
      ];
    }),
  ) as OptionsBacktestInfo['presets'];
  return {
    name: 'Phase 4D SPY puts',
    description:
      'Buys a near-the-money SPY put once a day after the open, skips calm-breaking days (high VIX, wide ranges), takes profit at a share of the premium or sells before the close',
    paramsSchema: jsonSchemaOf(Phase4dParamsSchema.omit({ preset: true })),
    presets,
  };
}
