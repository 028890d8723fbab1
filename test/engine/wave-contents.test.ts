import {
  NEW_MIGRATION_RECORD,
  type MigrationRecord,
  type StoredWave,
} from '../../src/domain/migration-record';
import { contentsOf } from '../../src/engine/wave-contents';
import { WaveContentsError } from '../../src/engine/ports/wave-contents';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { BlobWaveContents } from '../../src/storage/blob-wave-contents';
import { waveDigest, type WaveEntry } from '../../src/domain/waves';
import { InMemoryWaveContents } from '../../src/storage/in-memory-wave-contents';
import { StorageMigrationStore } from '../../src/storage/storage-migration-store';
import { memoryState, type BotState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { azuriteOnDisk } from '../support/durable-setup';
import { assignmentKey, directAssignmentsOf } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';

/** Each wave's frozen contents in a blob of their own, read only by the steps that need them (issue 17). */
describe("waves' contents kept apart from the migration record", () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let state: BotState;
  const contents = () => state.waveContents as InMemoryWaveContents;
  const stored = async () => (await state.store.read()).record;
  /** The entries of a stored text: a header line, then one entry a line. */
  const blobOf = (digest: string): WaveEntry[] =>
    (contents().blobs.get(digest) ?? '')
      .split('\n')
      .slice(1)
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as WaveEntry);

  beforeEach(async () => {
    state = memoryState();
    bot = await startBotUnderTest({ state });
    teams = new TeamsDriver(bot);
  });
  afterEach(async () => {
    await bot.stop();
  });

  it("keeps no wave's user ids in the record of three proposed waves: each wave is a blob named by its digest", async () => {
    await teams.untilWavesProposed('25,250,rest');
    const record = await stored();
    // Neither the waves and their sign-off requests nor the approved group plan name a user (the plan's
    // members are a blob of their own too: plan-members.test.ts).
    const json = JSON.stringify(record);
    expect(record.waves.map((w) => w.userCount)).toEqual([25, 250, 725]);
    expect(record.waves.some((w) => 'entries' in w)).toBe(false);
    // Admins and approvers are named where they acted (who proposed, asked, decided).
    const people = new Set([
      ...record.waves.map((w) => w.proposedBy.id),
      ...record.approvals.flatMap((a) => [a.requestedBy.id, a.decidedBy?.id ?? '']),
    ]);
    const inWaves = record.waves.flatMap((w) => blobOf(w.digest).map((e) => e.userId));
    expect(inWaves).toHaveLength(1_000 + 200);
    expect(inWaves.filter((id) => !people.has(id) && json.includes(id))).toEqual([]);
    for (const wave of record.waves) {
      const entries = blobOf(wave.digest);
      expect(waveDigest(entries)).toBe(wave.digest);
      expect(new Set(entries.map((e) => e.userId)).size).toBe(wave.userCount);
      expect(entries).toHaveLength(wave.assignmentCount ?? -1);
    }
    // The sign-off card still names the wave's users and counts its assignments.
    const card = await teams.say('finance', 'wave 1');
    expect(cardTexts(cardOf(card[0]))).toContainEqual(
      expect.stringMatching(/^Users: .+@.+, and 15 more\.$/)
    );
  });

  it('stops a wave whose stored contents were changed, saying so, and removes nothing', async () => {
    await teams.untilWavesProposed('25,rest');
    const [wave1] = (await stored()).waves;
    const tampered = blobOf(wave1.digest).slice(1);
    contents().blobs.set(
      wave1.digest,
      [{ digest: wave1.digest, format: 'json-lines' }, ...tampered]
        .map((l) => JSON.stringify(l))
        .join('\n')
    );
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();

    expect(directAssignmentsOf(bot.simulator)).toEqual(bot.script.expectedDirect());
    const after = (await stored()).waves[0];
    expect(after.status).toBe('stopped');
    expect(after.result?.removed).toBe(0);
    const reason = `Wave 1's stored contents do not match its digest ${wave1.digest.slice(0, 12)}`;
    expect(after.result?.stoppedBecause).toContain(reason);
    const card = cardTexts(cardOf((await teams.say('finance', 'wave 1'))[0]));
    expect(card).toContainEqual(expect.stringContaining(`Stopped: ${reason}`));
  });

  it('runs the next wave of a record written with the contents inline, and moves them to blobs', async () => {
    await teams.untilWavesProposed('25,rest');
    const { record, etag } = await state.store.read();
    const legacy: MigrationRecord = { ...record, waves: record.waves.map(inlined) };
    contents().blobs.clear();
    // Written as the bot did before the contents had blobs of their own.
    await new StorageMigrationStore(state.storage).write(legacy, etag);
    const wave1Keys = (legacy.waves[0].entries ?? []).map((e) => assignmentKey(e.userId, e.skuId));

    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();

    expect(directAssignmentsOf(bot.simulator)).toEqual(
      bot.script.expectedDirect({ removedByBot: wave1Keys })
    );
    const after = await stored();
    expect(after.waves[0].status).toBe('completed');
    expect(after.waves.some((w) => 'entries' in w)).toBe(false);
    for (const wave of legacy.waves) expect(blobOf(wave.digest)).toEqual(wave.entries);
    expect(after.waves.map((w) => w.assignmentCount)).toEqual(
      legacy.waves.map((w) => w.entries?.length)
    );
  });

  it('answers `status` and `wave N` from the record alone, reading no wave contents however large', async () => {
    await teams.untilWavesProposed('25,rest');
    const { record, etag } = await state.store.read();
    const large = await Promise.all([3, 4, 5, 6].map((n) => largeWave(n, 25_000)));
    await state.store.write({ ...record, waves: [...record.waves, ...large] }, etag);
    contents().reads = 0;

    for (let i = 0; i < 3; i++) {
      const status = cardTexts(cardOf((await teams.say('finance', 'status'))[0]));
      expect(status.join('\n')).toContain('25,000');
    }
    const wave6 = cardTexts(cardOf((await teams.say('finance', 'wave 6'))[0]));
    expect(wave6).toContainEqual(expect.stringContaining('and 24,990 more'));
    expect(contents().reads).toBe(0);
  });

  /** A record's wave as written before blobs: its contents inline, no counts or names beside them. */
  function inlined(wave: StoredWave): StoredWave {
    const { assignmentCount, sample, ...rest } = wave;
    void assignmentCount;
    void sample;
    return { ...rest, entries: blobOf(wave.digest) };
  }

  /** A proposed wave of `users` users (one assignment each), its contents stored as proposing does. */
  async function largeWave(number: number, users: number): Promise<StoredWave> {
    const entries: WaveEntry[] = Array.from({ length: users }, (_, i) => ({
      userId: `00000000-0000-4000-8000-${String(number * 1_000_000 + i).padStart(12, '0')}`,
      userPrincipalName: `user${number}-${i}@contoso.example`,
      skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
      disabledPlans: [],
    }));
    const digest = waveDigest(entries);
    await state.waveContents.save(digest, entries);
    return {
      number,
      digest,
      userCount: users,
      assignmentCount: users,
      sample: entries.slice(0, 10).map((e) => e.userPrincipalName),
      status: 'proposed',
      proposedBy: { id: 'adele', name: 'Adele Vance' },
    };
  }
});

/** The same in Azure Blob Storage (Azurite): one block blob per wave beside the record. */
describe("waves' contents as blobs of their own", () => {
  let azurite: Awaited<ReturnType<typeof azuriteOnDisk>>;
  const entries: WaveEntry[] = ['a', 'b', 'c'].map((u) => ({
    userId: `user-${u}`,
    userPrincipalName: `${u}@contoso.example`,
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    disabledPlans: ['41781fb2-bc02-4b7c-bd55-b576c07bb09d'],
  }));
  const digest = waveDigest(entries);
  const wave = (changes: Partial<StoredWave> = {}): StoredWave => ({
    number: 1,
    digest,
    userCount: 3,
    status: 'approved',
    proposedBy: { id: 'adele', name: 'Adele Vance' },
    ...changes,
  });
  const upload = (name: string, text: string) =>
    azurite.container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));

  beforeAll(async () => {
    azurite = await azuriteOnDisk();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('stores a wave once under its digest and refuses contents that are not what the digest names', async () => {
    const contents = new BlobWaveContents(azurite.container);
    await contents.save(digest, entries);
    await contents.save(digest, entries); // proposed again: the same blob
    expect(await contentsOf(contents, wave())).toEqual(entries);

    await upload(`migration/waves/${digest}.json`, JSON.stringify({ entries: entries.slice(1) }));
    await expect(contentsOf(contents, wave())).rejects.toThrow(
      new WaveContentsError(
        `Wave 1's stored contents do not match its digest ${digest.slice(0, 12)} (the blob was changed): nothing of it was run. Propose the waves again with \`waves\`.`
      )
    );
    await upload(`migration/waves/${digest}.json`, 'not json');
    await expect(contentsOf(contents, wave())).rejects.toThrow(/are not readable/);
    await upload(
      `migration/waves/${digest}.json`,
      `{"format":"json-lines"}\n{"userId":"user-a"}\n`
    );
    await expect(contentsOf(contents, wave())).rejects.toThrow(
      /are not readable \(an entry is not a direct assignment\)/
    );
    await expect(contentsOf(contents, wave({ digest: 'f'.repeat(64) }))).rejects.toThrow(
      WaveContentsError
    );
  });

  it('keeps a wave as JSON lines, one entry a line, and reads a large one back as stored', async () => {
    const contents = new BlobWaveContents(azurite.container);
    const many: WaveEntry[] = Array.from({ length: 30_000 }, (_, i) => ({
      userId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      userPrincipalName: `zoë.${i}@contoso.example`,
      skuId:
        i % 2 ? 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e' : '6fd2c87f-b296-42f0-b197-1e91e994b900',
      disabledPlans: i % 3 ? [] : ['41781fb2-bc02-4b7c-bd55-b576c07bb09d'],
    }));
    const manyDigest = waveDigest(many);
    await contents.save(manyDigest, many);
    const text = (
      await azurite.container
        .getBlockBlobClient(`migration/waves/${manyDigest}.json`)
        .downloadToBuffer()
    ).toString('utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    expect(JSON.parse(lines[0])).toEqual({ digest: manyDigest, format: 'json-lines' });
    expect(lines.slice(1).map((line) => JSON.parse(line) as WaveEntry)).toEqual(many);
    expect(
      await contentsOf(contents, wave({ digest: manyDigest, userCount: many.length }))
    ).toEqual(many);
  });

  it('reads contents stored before JSON lines, as one document', async () => {
    const contents = new BlobWaveContents(azurite.container);
    await upload(`migration/waves/${digest}.json`, JSON.stringify({ digest, entries }));
    expect(await contentsOf(contents, wave())).toEqual(entries);
  });

  it("moves an older record's inline contents to their blob on its next write, and reads it meanwhile", async () => {
    const contents = new BlobWaveContents(azurite.container);
    await azurite.container.getBlockBlobClient(`migration/waves/${digest}.json`).deleteIfExists();
    const record: MigrationRecord = { ...NEW_MIGRATION_RECORD, waves: [wave({ entries })] };
    await new BlobMigrationStore(azurite.container).write(record, null); // as written before blobs
    const store = new BlobMigrationStore(azurite.container, contents);
    const before = await store.read();
    expect(await contentsOf(contents, before.record.waves[0])).toEqual(entries);

    await store.write(before.record, before.etag);
    const text = (
      await azurite.container.getBlockBlobClient('migration/record.json').downloadToBuffer()
    ).toString('utf8');
    expect(text).not.toContain('user-a');
    const [moved] = (await store.read()).record.waves;
    expect(moved).toEqual(
      wave({
        assignmentCount: 3,
        sample: ['a@contoso.example', 'b@contoso.example', 'c@contoso.example'],
      })
    );
    expect(await contentsOf(contents, moved)).toEqual(entries);
  });
});
