import type { LicenseLoss } from '../../src/simulator/license-timeline';
import type { AutomationRun } from '../../src/simulator/running-automation';
import type { TenantSimulator } from '../../src/simulator/simulator-server';
import type { BotState } from '../../src/storage/bot-state';
import { contentsOf } from '../../src/engine/wave-contents';

/** One direct assignment: "userId|skuId". */
export const assignmentKey = (userId: string, skuId: string): string => `${userId}|${skuId}`;

/** Every direct assignment the simulated tenant holds now. */
export function directAssignmentsOf(simulator: TenantSimulator): Set<string> {
  return new Set(
    [...simulator.directory.users.values()].flatMap((u) =>
      [...u.directLicenses.keys()].map((skuId) => assignmentKey(u.id, skuId))
    )
  );
}

/** The direct assignments the bot froze into wave `number` (1-based), from its own record. */
export async function waveAssignments(state: BotState, number: number): Promise<Set<string>> {
  const wave = (await state.store.read()).record.waves[number - 1];
  if (!wave) throw new Error(`There is no wave ${number}.`);
  return new Set(
    (await contentsOf(state.waveContents, wave)).map((e) => assignmentKey(e.userId, e.skuId))
  );
}

/**
 * What the tenant's old license script did, from the simulator's own record of its runs: which direct
 * assignments it gave its joiners and took from its leavers, and when. Tests compute the counts they
 * expect from it, so an assertion still fails when the bot loses or keeps one it should not.
 */
export class ScriptRecord {
  /** The tenant's direct assignments before the script's first run (taken when the simulator starts). */
  readonly start: ReadonlySet<string>;

  constructor(private readonly simulator: TenantSimulator) {
    this.start = directAssignmentsOf(simulator);
  }

  /** The script's runs up to `until` (an ISO time; every run so far unless given). */
  runs(until?: string): readonly AutomationRun[] {
    const runs = this.simulator.automation?.runs ?? [];
    return until === undefined ? runs : runs.filter((r) => r.at <= until);
  }

  /** The assignments the script took from its leavers. */
  taken(until?: string): Set<string> {
    return new Set(
      this.runs(until).flatMap((r) => r.taken.map((t) => assignmentKey(t.userId, t.skuId)))
    );
  }

  /** The assignments the script gave its joiners. */
  given(until?: string): Set<string> {
    return new Set(
      this.runs(until).flatMap((r) => r.given.map((g) => assignmentKey(g.userId, g.skuId)))
    );
  }

  /**
   * The direct assignments the tenant must hold: those at the start and those the script gave, less
   * those it took, less what the bot removed, plus what the bot put back.
   */
  expectedDirect(
    options: {
      until?: string;
      removedByBot?: Iterable<string>;
      restoredByBot?: Iterable<string>;
    } = {}
  ): Set<string> {
    const expected = new Set([...this.start, ...this.given(options.until)]);
    for (const key of this.taken(options.until)) expected.delete(key);
    for (const key of options.removedByBot ?? []) expected.delete(key);
    for (const key of options.restoredByBot ?? []) expected.add(key);
    return expected;
  }

  /** The licenses users lost, less those the script itself took from its leavers (its doing, not the bot's). */
  lossesNotByScript(): LicenseLoss[] {
    const taken = this.taken();
    const { directory } = this.simulator;
    return directory.timeline
      .losses(directory.skus)
      .filter((loss) => !taken.has(assignmentKey(loss.userId, loss.skuId)));
  }
}
