import type { Storage } from 'botbuilder';
import type { MigrationStore } from '../../src/engine/migration-store';
import { memoryState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { TeamsDriver } from '../support/teams-driver';

/** A command that fails after its change was stored says what was stored, never "Nothing was changed". */
describe('an error after a stored change', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  const state = memoryState();
  /** Reads of the record fail from the moment removal waves are first written. */
  let failRecordReadsOnceWavesAreStored = false;
  let recordReadsFail = false;
  /** Reads of the notification channel fail. */
  let channelReadsFail = false;

  const store: MigrationStore = {
    read: () =>
      recordReadsFail ? Promise.reject(new Error('storage stopped answering')) : state.store.read(),
    write: async (record, etag) => {
      await state.store.write(record, etag);
      if (failRecordReadsOnceWavesAreStored && record.waves.length > 0) recordReadsFail = true;
    },
  };
  const storage: Storage = {
    read: (keys) =>
      channelReadsFail && keys.includes('teams/notification-channel')
        ? Promise.reject(new Error('storage stopped answering'))
        : state.storage.read(keys),
    write: (changes) => state.storage.write(changes),
    delete: (keys) => state.storage.delete(keys),
  };

  beforeEach(async () => {
    bot = await startBotUnderTest({ state: { ...state, store, storage } });
    teams = new TeamsDriver(bot);
  });
  afterEach(async () => {
    recordReadsFail = false;
    channelReadsFail = false;
    failRecordReadsOnceWavesAreStored = false;
    await bot.stop();
  });

  it('says the sign-off request is stored when its card cannot be pointed to', async () => {
    await teams.say('admin', 'notify here');
    channelReadsFail = true;
    const replies = await teams.replies('admin', 'assign');
    channelReadsFail = false;
    expect(replies).toEqual([
      'The sign-off request for populating the licensing groups and assigning them is stored, but then something failed: storage stopped answering. `status` shows where it stands.',
    ]);
    expect((await state.store.read()).record.assign?.status).toBe('awaiting-approval');
  });

  it('says the waves and their sign-off request are stored when the card cannot be pointed to', async () => {
    await teams.untilWavesProposed('25,rest');
    channelReadsFail = true;
    const replies = await teams.replies('admin', 'waves 10,rest');
    channelReadsFail = false;
    expect(replies.pop()).toBe(
      '2 removal waves are proposed and stored, and the sign-off for removal wave 1 is asked for, but then something failed: storage stopped answering. `status` shows where it stands.'
    );
  });

  it('proposes waves without reading the record again after storing them', async () => {
    await teams.untilWavesProposed('25,rest');
    failRecordReadsOnceWavesAreStored = true;
    const replies = await teams.replies('admin', 'waves 10,rest');
    recordReadsFail = false;
    expect(replies.join('\n')).not.toContain('Nothing was changed');
    const waves = (await state.store.read()).record.waves;
    expect(waves.map((w) => w.userCount)[0]).toBe(10);
  });
});
