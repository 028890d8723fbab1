import type { UserRead } from '../../src/domain/directory-answers';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import type { Wave } from '../../src/domain/waves';
import { executeWave } from '../../src/engine/execute-wave';
import type { DirectoryWriter } from '../../src/engine/ports/directory-writer';
import { WAVE_REPORT_SAMPLE } from '../../src/engine/wave-run';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { approve } from '../support/wave-harness';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const GROUP = 'group-e3';
const USERS = WAVE_REPORT_SAMPLE + 300;

/** Users who hold E3 directly and from the licensing group; Graph refuses the removal for `refused`. */
function directoryOf(refused: ReadonlySet<string>): DirectoryWriter {
  const direct = new Set<string>();
  const read = (id: string): UserRead => ({
    kind: 'read',
    user: {
      id,
      userPrincipalName: `${id}@contoso.com`,
      accountEnabled: true,
      usageLocation: 'US',
      licenseAssignmentStates: [
        ...(direct.has(id) ? [] : [{ skuId: E3, assignedByGroup: null }]),
        { skuId: E3, assignedByGroup: GROUP },
      ].map((row) => ({ ...row, disabledPlans: [], state: 'Active', error: null })),
    } satisfies UserLicenseSnapshot,
  });
  return {
    readUser: async (id) => read(id),
    readUsers: async (ids) => new Map(ids.map((id) => [id, read(id)])),
    removeDirectLicenses: async (id) => {
      if (refused.has(id)) return { kind: 'failed', reason: 'Graph refused it', transient: false };
      direct.add(id);
      return { kind: 'done' };
    },
    restoreDirectLicense: async () => ({ kind: 'done' }),
  };
}

describe('the report of a wave bigger than the sample it keeps', () => {
  it('counts every removal and lists every failure, keeping only the first removals', async () => {
    const ids = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const refused = new Set([ids[5], ids[700], ids[1_250]]);
    const wave: Wave = {
      number: 4,
      digest: 'wave-4',
      userCount: USERS,
      entries: ids.map((userId) => ({
        userId,
        userPrincipalName: `${userId}@contoso.com`,
        skuId: E3,
        disabledPlans: [],
      })),
    };
    const journal = new InMemoryJournal();
    await approve(journal, wave);
    const context = {
      skus: new Map([
        [
          E3,
          {
            skuId: E3,
            skuPartNumber: 'ENTERPRISEPACK',
            prepaidUnits: 5_000,
            consumedUnits: USERS,
            servicePlans: [],
          },
        ],
      ]),
      groupNames: new Map([[GROUP, 'E3 for everyone']]),
    };
    const told: number[] = [];

    const report = await executeWave(wave, context, directoryOf(refused), journal, {
      readBack: { delaysMs: [] },
      onProgress: async (progress) => void told.push(progress.counts.removed),
    });

    expect(report.stoppedBecause).toBeNull();
    expect(report.counts).toEqual({ removed: USERS - 3, skipped: 0, restored: 0, failed: 3 });
    expect(report.failed.map((f) => f.userId).sort()).toEqual([...refused].sort());
    expect(report.removed).toHaveLength(WAVE_REPORT_SAMPLE);
    expect(told.at(-1)).toBe(USERS - 3);
    const tally = (await journal.summary()).waveTallies().find((t) => t.waveDigest === 'wave-4');
    expect(tally).toMatchObject({ removed: USERS - 3, failed: 3 });
  });
});
