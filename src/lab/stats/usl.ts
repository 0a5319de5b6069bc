import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { pick, seededRandom } from '../../seed/random.js';

// The Universal Scalability Law (Gunther): X(N) = λN / (1 + σ(N−1) + κN(N−1)). σ is contention
// (the share of work that queues for something shared), κ coherency (the cost of keeping N
// copies in step, growing with every pair); with κ > 0 throughput peaks at N* = √((1−σ)/κ).

/** One count of a factor and the saturation throughput of each of its runs. */
export interface UslPoint {
  n: number;
  throughputs: number[];
}

export interface UslParameters {
  /** Throughput of one instance (req/s): the mean of N = 1's runs. */
  lambda: number;
  sigma: number;
  kappa: number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface UslFit {
  lambda: Interval;
  sigma: Interval;
  kappa: Interval;
  /** Where throughput peaks, and what it peaks at; absent when κ is indistinguishable from 0. */
  peak?: { n: Interval; throughput: Interval };
  /** The largest N measured, and how far the model is drawn and read (twice that). */
  measuredUpTo: number;
  predictUpTo: number;
  /** Root mean square of the runs' residuals, req/s. */
  rms: number;
  /** The bootstrap's replicates: how the intervals were made. */
  replicates: number;
}

export function uslThroughput(p: UslParameters, n: number): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/** N* = √((1−σ)/κ), or Infinity when κ is 0. */
export function uslPeak(p: UslParameters): number {
  return p.kappa > 0 ? Math.sqrt((1 - p.sigma) / p.kappa) : Infinity;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * σ and κ by least squares on every run's throughput (Levenberg–Marquardt, with the model's own
 * derivatives), λ fixed at N = 1's mean: the model's one instance is the one measured.
 */
export function fitUslOnce(points: readonly UslPoint[]): UslParameters {
  const one = points.find((p) => p.n === 1);
  if (!one || one.throughputs.length === 0) throw new Error('a scalability model needs N = 1 measured');
  const lambda = mean(one.throughputs);
  const x = points.flatMap((p) => p.throughputs.map(() => p.n));
  const y = points.flatMap((p) => p.throughputs);
  const model =
    ([sigma, kappa]: number[]) =>
    (n: number) =>
      uslThroughput({ lambda, sigma: sigma!, kappa: kappa! }, n);
  const jacobian =
    ([sigma, kappa]: number[]) =>
    (n: number) => {
      const d = 1 + sigma! * (n - 1) + kappa! * n * (n - 1);
      return [(-lambda * n * (n - 1)) / d ** 2, (-lambda * n * n * (n - 1)) / d ** 2];
    };
  const fit = levenbergMarquardt({ x, y }, model, {
    initialValues: [0.05, 0.001],
    minValues: [0, 0],
    maxValues: [1, 1],
    jacobianFunction: jacobian,
    maxIterations: 300,
    errorTolerance: 1e-9,
  });
  return { lambda, sigma: fit.parameterValues[0]!, kappa: fit.parameterValues[1]! };
}

function percentiles(values: number[], value: number): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { value, low: at(0.025), high: at(0.975) };
}

/**
 * The model with its uncertainty: a bootstrap over the runs (each N's runs resampled with
 * replacement, λ included, the fit made again), 95 % percentile intervals. κ counts as
 * indistinguishable from 0 when its interval reaches 0; then no peak is predicted.
 */
export function fitUsl(points: readonly UslPoint[], replicates = 200, seed = 1): UslFit {
  const best = fitUslOnce(points);
  // Seeded: a report is the same each time it is drawn from the same results.
  const random = seededRandom(seed);
  const draws: UslParameters[] = [];
  for (let r = 0; r < replicates; r++) {
    const resampled = points.map((p) => ({
      n: p.n,
      throughputs: p.throughputs.map(() => pick(random, p.throughputs)),
    }));
    draws.push(fitUslOnce(resampled));
  }
  const residuals = points.flatMap((p) => p.throughputs.map((t) => t - uslThroughput(best, p.n)));
  const measuredUpTo = Math.max(...points.map((p) => p.n));
  const kappa = percentiles(
    draws.map((d) => d.kappa),
    best.kappa,
  );
  const fit: UslFit = {
    lambda: percentiles(
      draws.map((d) => d.lambda),
      best.lambda,
    ),
    sigma: percentiles(
      draws.map((d) => d.sigma),
      best.sigma,
    ),
    kappa,
    measuredUpTo,
    predictUpTo: 2 * measuredUpTo,
    rms: Math.sqrt(mean(residuals.map((e) => e * e))),
    replicates,
  };
  if (kappa.low > 1e-9) {
    const peaks = draws.map(uslPeak);
    fit.peak = {
      n: percentiles(peaks, uslPeak(best)),
      throughput: percentiles(
        draws.map((d) => uslThroughput(d, uslPeak(d))),
        uslThroughput(best, uslPeak(best)),
      ),
    };
  }
  return fit;
}
