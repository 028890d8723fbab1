import type { ApprovalRequest } from '../../src/domain/approvals';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import { NEW_MIGRATION_RECORD, type StoredWave } from '../../src/domain/migration-record';
import { waveDigest, type WaveEntry } from '../../src/domain/waves';
import { MigrationRunner } from '../../src/engine/migration-runner';
import type { Notice } from '../../src/engine/ports/notifier';
import { saveWaves } from '../../src/engine/wave-contents';
import { catalogSku } from '../../src/simulator/sku-catalog';
import { memoryState } from '../../src/storage/bot-state';
import { InMemoryDirectory, activeRow, userNamed } from './in-memory-directory';

/** Office 365 E3 with seats for everyone, licensed to the users through this group as well. */
export const E3 = { ...catalogSku('ENTERPRISEPACK', 100), consumedUnits: 0 };
export const E3_GROUP = 'group-e3';
const lee = { id: 'lee', name: 'Lee Gu' };

/** A user holding E3 directly and through the licensing group: a direct assignment that may go. */
export function coveredUser(id: string): UserLicenseSnapshot {
  return {
    ...userNamed(id),
    licenseAssignmentStates: [activeRow(E3.skuId, null), activeRow(E3.skuId, E3_GROUP)],
  };
}

/** A gate a test holds a read at until it opens it. */
export class Gate {
  private opened = false;
  private release: () => void = () => undefined;
  private readonly open = new Promise<void>((resolve) => (this.release = resolve));
  /** How often a read reached the gate. */
  arrivals = 0;
  private arrived: (() => void)[] = [];

  async pass(): Promise<void> {
    this.arrivals++;
    for (const tell of this.arrived.splice(0)) tell();
    if (!this.opened) await this.open;
  }

  /** Resolves once a read has reached the gate `count` times. */
  reached(count = 1): Promise<void> {
    if (this.arrivals >= count) return Promise.resolve();
    return new Promise((resolve) =>
      this.arrived.push(() => void this.reached(count).then(resolve))
    );
  }

  openNow(): void {
    this.opened = true;
    this.release();
  }
}

/**
 * A runner over memory (record, journal, wave contents, directory) whose waves 1…n hold one user each,
 * all released. The tenant's read of every user (stock-taking) waits at `gate` before its first page;
 * `removals` resolves per user when the removal of that user's direct assignment is sent.
 */
export async function runnerWithReleasedWaves(
  waveCount: number,
  options: { followUpAfterMs?: number } = {}
) {
  const state = memoryState();
  const directory = new InMemoryDirectory([E3]).withGroup(E3_GROUP, 'Office E3 licensing', [
    E3.skuId,
  ]);
  const gate = new Gate();
  const removalsSent: string[] = [];
  const removalSeen = new Map<string, () => void>();
  const notices: Notice[] = [];
  const waves: StoredWave[] = [];
  const approvals: ApprovalRequest[] = [];
  const now = new Date();
  for (let number = 1; number <= waveCount; number++) {
    const userId = `user-${number}`;
    directory.withUsers(coveredUser(userId));
    const entries: WaveEntry[] = [
      {
        userId,
        userPrincipalName: `${userId}@contoso.example`,
        skuId: E3.skuId,
        disabledPlans: [],
      },
    ];
    const digest = waveDigest(entries);
    await saveWaves(state.waveContents, [{ number, digest, userCount: 1, entries }]);
    const approvalId = `approval-${number}`;
    approvals.push({
      id: approvalId,
      subject: { kind: 'wave', waveNumber: number, digest },
      summary: [],
      requestedBy: { id: 'adele', name: 'Adele Vance' },
      requestedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
      status: 'approved',
      decidedBy: lee,
      decidedAt: now.toISOString(),
    });
    waves.push({
      number,
      digest,
      userCount: 1,
      status: 'approved',
      approvalId,
      proposedBy: { id: 'adele', name: 'Adele Vance' },
    });
  }
  const { etag } = await state.store.read();
  await state.store.write({ ...NEW_MIGRATION_RECORD, waves, approvals }, etag);
  const reader: InMemoryDirectory = Object.create(directory);
  reader.forEachUser = async (visit) => {
    await gate.pass();
    return directory.forEachUser(visit);
  };
  const writer: InMemoryDirectory = Object.create(directory);
  const restoresSent: string[] = [];
  writer.restoreDirectLicense = (userId, skuId, plans) => {
    restoresSent.push(userId);
    return directory.restoreDirectLicense(userId, skuId, plans);
  };
  writer.removeDirectLicenses = (userId, skuIds) => {
    removalsSent.push(userId);
    removalSeen.get(userId)?.();
    return directory.removeDirectLicenses(userId, skuIds);
  };
  const logs: string[] = [];
  const runner = new MigrationRunner({
    reader,
    groupWriter: undefined as never,
    directoryWriter: writer,
    journal: state.journal,
    store: state.store,
    waveContents: state.waveContents,
    planMembers: state.planMembers,
    notifier: { notify: async (notice: Notice) => void notices.push(notice) } as never,
    lease: state.lease,
    now: () => new Date(),
    newId: (() => {
      let id = 0;
      return () => `id-${++id}`;
    })(),
    log: (line) => logs.push(line),
    approvalTtlMs: 86_400_000,
    // Unless asked, no follow-up falls due during a test: the waves follow one another.
    followUpAfterMs: options.followUpAfterMs ?? 86_400_000,
    readBack: { delaysMs: [] },
    pollMs: 3_600_000,
  });
  return {
    state,
    directory,
    runner,
    gate,
    notices,
    logs,
    removalsSent,
    restoresSent,
    /** Records an approved rollback of this wave, as a sign-off would, and wakes the runner. */
    rollBack: async (waveNumber: number) => {
      const { record, etag } = await state.store.read();
      const wave = record.waves.find((w) => w.number === waveNumber);
      const request: ApprovalRequest = {
        ...approvals[0],
        id: `rollback-${waveNumber}`,
        subject: { kind: 'rollback', waveNumber, digest: wave?.digest ?? '' },
      };
      await state.store.write({ ...record, approvals: [...record.approvals, request] }, etag);
      runner.wake();
    },
    /** Resolves when the removal of this user's direct assignment is sent. */
    removalOf: (userId: string) =>
      removalsSent.includes(userId)
        ? Promise.resolve()
        : new Promise<void>((resolve) => removalSeen.set(userId, resolve)),
    /** The labels of the points in the picture over time, oldest first. */
    pointLabels: async () => (await state.store.read()).record.history?.map((p) => p.label) ?? [],
  };
}
