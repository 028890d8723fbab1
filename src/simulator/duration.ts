/** A duration as the simulator's command line takes it: `500ms`, `30s`, `5m`, `1h`, or `0`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || (match[2] === undefined && Number(match[1]) !== 0))
    throw new Error(`A duration is a number with ms, s, m or h (got "${text}").`);
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const unit = units[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * unit;
}
