/**
 * Faults the simulator injects on purpose (`--faults`), so the bot's handling of a flaky Graph is tested:
 *   --faults "503:2%,429:1%,reset:0.5%,lost:1%,seed:7"
 * A status code answers with that error before the request runs; `reset` drops the connection unanswered;
 * `lost` runs the request and then answers 504, as when a response is lost after the change was made.
 */

export type FaultKind =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'lost' };

export interface FaultRule {
  readonly fault: FaultKind;
  /** Probability per request, 0–1. */
  readonly probability: number;
}

export class FaultSpecError extends Error {}

const STATUSES = new Set([429, 500, 502, 503, 504]);

export function parseFaultSpec(spec: string): { rules: FaultRule[]; seed: number } {
  const rules: FaultRule[] = [];
  let seed = 1;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9]+):(\d+(?:\.\d+)?)(%?)$/i.exec(part);
    if (!match)
      throw new FaultSpecError(`Cannot read fault "${part}": expected kind:percent%, e.g. 503:2%.`);
    const [, name, amount, percent] = match;
    if (name === 'seed') {
      seed = Number(amount);
      continue;
    }
    const probability = percent ? Number(amount) / 100 : Number(amount);
    if (probability < 0 || probability > 1)
      throw new FaultSpecError(`Fault "${part}" must be between 0% and 100%.`);
    if (name === 'reset' || name === 'lost') rules.push({ fault: { kind: name }, probability });
    else if (/^\d+$/.test(name) && STATUSES.has(Number(name)))
      rules.push({ fault: { kind: 'status', status: Number(name) }, probability });
    else
      throw new FaultSpecError(
        `Unknown fault "${name}": use 429, 500, 502, 503, 504, reset or lost.`
      );
  }
  if (rules.reduce((sum, rule) => sum + rule.probability, 0) > 1) {
    throw new FaultSpecError('Fault probabilities add up to more than 100%.');
  }
  return { rules, seed };
}

/** Picks faults with a seeded generator, so a failing run can be repeated exactly. */
export class FaultInjector {
  private state: number;

  constructor(
    private readonly rules: readonly FaultRule[],
    seed: number
  ) {
    this.state = seed >>> 0 || 1;
  }

  static fromSpec(spec: string | undefined): FaultInjector | null {
    if (!spec) return null;
    const { rules, seed } = parseFaultSpec(spec);
    return rules.length > 0 ? new FaultInjector(rules, seed) : null;
  }

  next(): FaultKind | null {
    // mulberry32: small, fast and good enough for picking faults.
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const roll = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    let threshold = 0;
    for (const rule of this.rules) {
      threshold += rule.probability;
      if (roll < threshold) return rule.fault;
    }
    return null;
  }
}
