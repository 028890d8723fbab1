import { compareShadowGroup, proofSummary } from '../../src/domain/shadow-proof';
import { waitForDynamicMembers } from '../../src/engine/dynamic-membership-wait';
import type { GroupWriter } from '../../src/engine/group-writer';

/**
 * Waiting for Entra to compute a new dynamic group's members, on a clock the test owns: each read
 * answers what the script says for that simulated moment, and sleeping only moves the clock.
 */
const MINUTE = 60_000;

/** Members by the minute they appear from: the last entry at or before the clock's minute answers. */
function entraAnswering(
  script: readonly [minute: number, members: readonly string[] | 'not found'][]
) {
  let clock = 0;
  const writer = {
    memberIds: async (groupId: string) => {
      const answer = [...script].reverse().find(([minute]) => minute * MINUTE <= clock)?.[1];
      if (!answer || answer === 'not found')
        throw Object.assign(new Error(`404 Resource '${groupId}' does not exist.`), {
          statusCode: 404,
        });
      return new Set(answer);
    },
  } as unknown as GroupWriter;
  const wait = (options: {
    quietMs: number;
    timeoutMs: number;
    lagBoundMs: number;
    stopping?: () => boolean;
  }) =>
    waitForDynamicMembers(writer, 'g-dyn', {
      ...options,
      pollMs: MINUTE,
      now: () => new Date(clock),
      sleep: async (ms) => {
        clock += ms;
      },
    });
  return { wait, minutes: () => clock / MINUTE };
}

describe('waiting for Entra to compute a dynamic group', () => {
  it('takes the members as computed once they have stayed the same for the quiet period', async () => {
    const entra = entraAnswering([
      [0, 'not found'],
      [2, []],
      [4, ['a', 'b', 'c']],
    ]);
    const result = await entra.wait({
      quietMs: 10 * MINUTE,
      timeoutMs: 60 * MINUTE,
      lagBoundMs: 0,
    });
    expect(result).toEqual({ memberIds: new Set(['a', 'b', 'c']), settled: true });
    expect(entra.minutes()).toBe(14);
  });

  it('keeps waiting while the members still change', async () => {
    const entra = entraAnswering([
      [0, ['a']],
      [5, ['a', 'b']],
      [9, ['a', 'b', 'c']],
    ]);
    const result = await entra.wait({ quietMs: 6 * MINUTE, timeoutMs: 60 * MINUTE, lagBoundMs: 0 });
    expect([...result!.memberIds].sort()).toEqual(['a', 'b', 'c']);
    expect(result!.settled).toBe(true);
    expect(entra.minutes()).toBe(15);
  });

  it('gives up at the deadline with what it read last, and the proof card says Entra had not finished', async () => {
    const entra = entraAnswering([
      [0, ['a']],
      [3, ['a', 'b']],
      [6, ['a']],
      [9, ['a', 'b']],
    ]);
    const result = await entra.wait({ quietMs: 5 * MINUTE, timeoutMs: 10 * MINUTE, lagBoundMs: 0 });
    expect(result).toEqual({ memberIds: new Set(['a', 'b']), settled: false });
    expect(entra.minutes()).toBe(11);
    const choice = {
      variantName: 'LIC Office 365 E3',
      skuId: 'sku-e3',
      rule: { clauses: [{ property: 'department' as const, values: ['Finance'] }] },
      ruleText: '(user.department -eq "Finance")',
      expected: ['a', 'b', 'c'].map((id) => ({ id, userPrincipalName: `${id}@contoso.example` })),
      misses: [],
      gainCount: 0,
      gainSample: [],
      chosenBy: { id: 'admin', name: 'Admin' },
      chosenAt: '2026-01-01T00:00:00Z',
    };
    const summary = proofSummary(
      [compareShadowGroup(choice, 'LIC Office 365 E3 (dynamic)', result!.memberIds, false)],
      new Map()
    ).join('\n');
    expect(summary).toContain(
      'Entra had not finished computing it when I stopped waiting: these are the members it showed then.'
    );
    expect(summary).toContain('Entra left out 1 expected holder (c@contoso.example)');
  });

  it('never takes a lagging replica’s smaller answer as computed before the lag bound has passed', async () => {
    // Replicas that lag up to 8 minutes may repeat an early, partial answer for longer than the quiet
    // period: only an answer unchanged for the lag bound counts.
    const entra = entraAnswering([
      [0, ['a']],
      [7, ['a', 'b', 'c']],
    ]);
    const result = await entra.wait({
      quietMs: 3 * MINUTE,
      timeoutMs: 60 * MINUTE,
      lagBoundMs: 8 * MINUTE,
    });
    expect(result).toEqual({ memberIds: new Set(['a', 'b', 'c']), settled: true });
    expect(entra.minutes()).toBe(15);
  });

  it('stops waiting as soon as the bot stops, leaving the proof to the next start', async () => {
    const entra = entraAnswering([[0, ['a']]]);
    const result = await entra.wait({
      quietMs: 10 * MINUTE,
      timeoutMs: 48 * 60 * MINUTE,
      lagBoundMs: 0,
      stopping: () => entra.minutes() >= 2,
    });
    expect(result).toBeNull();
    expect(entra.minutes()).toBe(2);
  });
});
