import { seededRandom } from './seeded-random';

/**
 * Faults the simulator injects on purpose (`--faults`), so the bot's handling of a flaky Graph is tested:
 *   --faults "503:2%,429:1%,reset:0.5%,lost:1%,latency=300ms:10%,path=/assignLicense$,seed=7"
 * A status code answers with that error before the request runs; `reset` drops the connection unanswered;
 * `lost` runs the request and then answers 504, as when a response is lost after the change was made;
 * `latency=<n>ms` delays the answer. `path=<regex>` limits faults to matching request paths; `seed=<n>`
 * makes the sequence repeatable.
 */

export type FaultKind =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'lost' }
  | { readonly kind: 'latency'; readonly ms: number };

export interface FaultRule {
  readonly fault: FaultKind;
  /** Probability per request, 0–1. */
  readonly probability: number;
}

export interface FaultSpec {
  readonly rules: FaultRule[];
  readonly seed: number;
  readonly path: RegExp | null;
}

export class FaultSpecError extends Error {}

const STATUSES = new Set([429, 500, 502, 503, 504]);

function probability(part: string, amount: string, percent: string): number {
  const value = percent ? Number(amount) / 100 : Number(amount);
  if (!(value >= 0 && value <= 1))
    throw new FaultSpecError(`Fault "${part}" must be between 0% and 100%.`);
  return value;
}

export function parseFaultSpec(spec: string): FaultSpec {
  const rules: FaultRule[] = [];
  let seed = 1;
  let path: RegExp | null = null;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const setting = /^(seed|path)[=:](.+)$/.exec(part);
    if (setting?.[1] === 'seed') {
      if (!/^\d+$/.test(setting[2]))
        throw new FaultSpecError(`seed must be a whole number (got "${setting[2]}").`);
      seed = Number(setting[2]);
      continue;
    }
    if (setting?.[1] === 'path') {
      try {
        path = new RegExp(setting[2], 'i');
      } catch {
        throw new FaultSpecError(`path must be a regular expression (got "${setting[2]}").`);
      }
      continue;
    }
    const latency = /^latency=(\d+)ms:(\d+(?:\.\d+)?)(%?)$/.exec(part);
    if (latency) {
      rules.push({
        fault: { kind: 'latency', ms: Number(latency[1]) },
        probability: probability(part, latency[2], latency[3]),
      });
      continue;
    }
    const match = /^([a-z0-9]+):(\d+(?:\.\d+)?)(%?)$/i.exec(part);
    if (!match) {
      throw new FaultSpecError(
        `Cannot read fault "${part}": expected kind:percent% (503:2%), latency=300ms:10%, path=<regex> or seed=<n>.`
      );
    }
    const [, name, amount, percent] = match;
    if (name === 'reset' || name === 'lost')
      rules.push({ fault: { kind: name }, probability: probability(part, amount, percent) });
    else if (/^\d+$/.test(name) && STATUSES.has(Number(name))) {
      rules.push({
        fault: { kind: 'status', status: Number(name) },
        probability: probability(part, amount, percent),
      });
    } else
      throw new FaultSpecError(
        `Unknown fault "${name}": use 429, 500, 502, 503, 504, reset, lost or latency.`
      );
  }
  if (rules.reduce((sum, rule) => sum + rule.probability, 0) > 1) {
    throw new FaultSpecError('Fault probabilities add up to more than 100%.');
  }
  return { rules, seed, path };
}

/** Picks faults with a seeded generator, so a failing run can be repeated exactly. */
export class FaultInjector {
  private readonly random: () => number;

  constructor(private readonly spec: FaultSpec) {
    this.random = seededRandom(spec.seed);
  }

  static fromSpec(spec: string | undefined): FaultInjector | null {
    if (!spec) return null;
    const parsed = parseFaultSpec(spec);
    return parsed.rules.length > 0 ? new FaultInjector(parsed) : null;
  }

  /** The fault for the next request to `path`, if any. */
  next(path: string): FaultKind | null {
    if (this.spec.path && !this.spec.path.test(path)) return null;
    const roll = this.random();
    let threshold = 0;
    for (const rule of this.spec.rules) {
      threshold += rule.probability;
      if (roll < threshold) return rule.fault;
    }
    return null;
  }
}
