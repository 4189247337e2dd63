// TPE (tree-structured Parzen estimator, Bergstra et al. 2011), written here because no maintained npm port exists.
// The finished trials are split at a quantile γ of their scores into good and bad; each parameter gets a Parzen
// (kernel) density over the good trials, l(x), and over the bad ones, g(x) — Gaussian kernels on the unit interval
// for ranges, smoothed counts for listed values. Candidates are drawn from l and the one maximising l(x)/g(x) is
// proposed: where good trials cluster and bad ones do not. Deterministic: the same seed and history give the same
// proposals. Parameters are modelled independently (as hyperopt's TPE does).
import type { ParamDimension, ParamSet, ParamValue } from '../../shared/domain/research';
import { normal, type Random, seededRandom } from '../../shared/random';
import { discreteSize, fromUnit, gridPoints, pointKey, randomInt, randomPoints, toUnit } from './search';

export interface TpeOptions {
  readonly seed: number;
  /** Share of the finished trials counted as good (default 0.1), and at most this many (default 25), as Optuna does:
   * a small good set keeps l(x) sharp where the best trials are (0.25 of all trials blurred it over the bowl). */
  readonly gamma?: number;
  readonly maxGood?: number;
  /** Trials proposed at random (Latin hypercube) before the densities have anything to learn from. */
  readonly startup?: number;
  /** Candidates drawn from l(x) per proposal. */
  readonly candidates?: number;
}

/** A finished trial: its parameters and score (higher is better; null — refused, undefined metric — counts as bad). */
export interface Trial {
  readonly params: ParamSet;
  readonly value: number | null;
}

export interface TpeSampler {
  /** The next `count` parameter sets, given every trial finished so far. */
  propose(history: readonly Trial[], count: number): ParamSet[];
}

const SQRT2 = Math.SQRT2;

/** A discrete space up to this many cells is enumerated when sampling finds no untried cell. */
const ENUMERABLE_CELLS = 10_000;

/** erf by Abramowitz & Stegun 7.1.26 (error below 1.5e-7: plenty for weighting kernels). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return sign * y;
}

const normalCdf = (z: number): number => 0.5 * (1 + erf(z / SQRT2));

/** A kernel density on [0, 1]: a uniform prior component plus a Gaussian at each point, each truncated to [0, 1]. */
interface UnitParzen {
  readonly points: readonly number[];
  readonly sigma: number;
  /** Each kernel's mass inside [0, 1], to renormalise the truncation. */
  readonly mass: readonly number[];
}

function unitParzen(points: readonly number[]): UnitParzen {
  const n = points.length;
  // Scott's rule on the unit interval, kept between a tenth of a percent-ish floor and the whole interval, so a
  // cluster of identical points still spreads and one lonely point does not claim the whole range.
  let sigma = 1;
  if (n > 1) {
    const mean = points.reduce((s, p) => s + p, 0) / n;
    const sd = Math.sqrt(points.reduce((s, p) => s + (p - mean) ** 2, 0) / (n - 1));
    sigma = 1.06 * Math.max(sd, 1 / (n + 1)) * n ** -0.2;
  } else sigma = 0.5;
  sigma = Math.min(1, Math.max(0.02, sigma));
  const mass = points.map((p) => normalCdf((1 - p) / sigma) - normalCdf(-p / sigma));
  return { points, sigma, mass };
}

function unitDensity(parzen: UnitParzen, u: number): number {
  const { points, sigma, mass } = parzen;
  let sum = 1; // the uniform prior's density on [0, 1]
  for (let i = 0; i < points.length; i++) {
    const z = (u - points[i]!) / sigma;
    sum += Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI) * mass[i]!);
  }
  return sum / (points.length + 1);
}

function unitSample(parzen: UnitParzen, random: Random): number {
  const k = randomInt(random, parzen.points.length + 1);
  if (k === parzen.points.length) return random.next();
  const centre = parzen.points[k]!;
  for (let tries = 0; tries < 64; tries++) {
    const u = centre + parzen.sigma * normal(random);
    if (u >= 0 && u <= 1) return u;
  }
  return Math.min(1, Math.max(0, centre));
}

/** Smoothed counts over listed values: (count + 1) / (n + K). */
function categorical(values: readonly ParamValue[], observed: readonly ParamValue[]): number[] {
  const counts = values.map(() => 1);
  for (const v of observed) {
    const k = values.indexOf(v);
    if (k >= 0) counts[k]! += 1;
  }
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / total);
}

function pickWeighted(weights: readonly number[], random: Random): number {
  let r = random.next();
  for (let k = 0; k < weights.length; k++) {
    r -= weights[k]!;
    if (r < 0) return k;
  }
  return weights.length - 1;
}

interface DimensionModel {
  sample(random: Random): ParamValue;
  /** log l(x) − log g(x) of one value. */
  score(value: ParamValue): number;
}

function dimensionModel(
  dimension: ParamDimension,
  good: readonly ParamSet[],
  bad: readonly ParamSet[],
): DimensionModel {
  if (dimension.kind === 'values') {
    const l = categorical(
      dimension.values,
      good.map((p) => p[dimension.name]!),
    );
    const g = categorical(
      dimension.values,
      bad.map((p) => p[dimension.name]!),
    );
    return {
      sample: (random) => dimension.values[pickWeighted(l, random)]!,
      score: (value) => {
        const k = dimension.values.indexOf(value);
        return Math.log(l[k]!) - Math.log(g[k]!);
      },
    };
  }
  const unit = (p: ParamSet): number => toUnit(dimension, p[dimension.name] as number);
  const l = unitParzen(good.map(unit));
  const g = unitParzen(bad.map(unit));
  return {
    sample: (random) => fromUnit(dimension, unitSample(l, random)),
    score: (value) => {
      const u = toUnit(dimension, value as number);
      return Math.log(unitDensity(l, u)) - Math.log(unitDensity(g, u));
    },
  };
}

export function createTpe(dimensions: readonly ParamDimension[], options: TpeOptions): TpeSampler {
  const gamma = options.gamma ?? 0.1;
  const maxGood = options.maxGood ?? 25;
  const startup = options.startup ?? Math.max(8, 2 * dimensions.length + 2);
  const candidates = options.candidates ?? 24;
  const random = seededRandom(options.seed);
  let startupPoints: ParamSet[] | null = null;
  let proposed = 0;

  return {
    propose(history, count) {
      const out: ParamSet[] = [];
      const seen = new Set(history.map((t) => pointKey(t.params, dimensions)));
      while (out.length < count) {
        // The start-up trials: random search's (space-filling, and without replacement in a discrete space).
        startupPoints ??= randomPoints(dimensions, startup, options.seed);
        if (proposed < startupPoints.length) {
          const point = startupPoints[proposed]!;
          proposed += 1;
          out.push(point);
          seen.add(pointKey(point, dimensions));
          continue;
        }
        out.push(next(history, seen));
        proposed += 1;
      }
      return out;
    },
  };

  function next(history: readonly Trial[], seen: Set<string>): ParamSet {
    // Best first; undefined scores last. Ties keep trial order, so the split is deterministic.
    const ranked = history
      .map((trial, index) => ({ trial, index }))
      .sort((a, b) => {
        const va = a.trial.value ?? Number.NEGATIVE_INFINITY;
        const vb = b.trial.value ?? Number.NEGATIVE_INFINITY;
        return vb === va ? a.index - b.index : vb - va;
      });
    const scored = ranked.filter((r) => r.trial.value !== null).length;
    const goodCount = Math.max(1, Math.min(scored, maxGood, Math.ceil(gamma * ranked.length)));
    const good = ranked.slice(0, goodCount).map((r) => r.trial.params);
    const bad = ranked.slice(goodCount).map((r) => r.trial.params);
    const models = dimensions.map((d) => dimensionModel(d, good, bad));
    let best: ParamSet | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestUnseen = false;
    for (let c = 0; c < candidates; c++) {
      const point: Record<string, ParamValue> = {};
      let score = 0;
      dimensions.forEach((dimension, d) => {
        const value = models[d]!.sample(random);
        point[dimension.name] = value;
        score += models[d]!.score(value);
      });
      // A cell already tried (or proposed in this batch) teaches nothing new: prefer any unseen candidate.
      const unseen = !seen.has(pointKey(point, dimensions));
      if ((unseen && !bestUnseen) || (unseen === bestUnseen && score > bestScore)) {
        best = point;
        bestScore = score;
        bestUnseen = unseen;
      }
    }
    // In a small discrete space the candidates may all be cells already tried: score every untried cell instead.
    if (!bestUnseen && (discreteSize(dimensions) ?? Number.POSITIVE_INFINITY) <= ENUMERABLE_CELLS) {
      for (const point of gridPoints(dimensions)) {
        if (seen.has(pointKey(point, dimensions))) continue;
        const score = dimensions.reduce((sum, d, k) => sum + models[k]!.score(point[d.name]!), 0);
        if (!bestUnseen || score > bestScore) {
          best = point;
          bestScore = score;
          bestUnseen = true;
        }
      }
    }
    seen.add(pointKey(best!, dimensions));
    return best!;
  }
}
