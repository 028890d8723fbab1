import type { Storage, StoreItems } from 'botbuilder';
import { memoryState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf } from '../support/connector-stand-in';
import { personalMessage } from '../support/teams-activities';

/** The bot's storage, with every key read from it listed (the record is read through its own store). */
function readsListed(storage: Storage): { storage: Storage; keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    storage: {
      read: (wanted: string[]): Promise<StoreItems> => {
        keys.push(...wanted);
        return storage.read(wanted);
      },
      write: (changes: StoreItems) => storage.write(changes),
      delete: (gone: string[]) => storage.delete(gone),
    },
  };
}

describe('a status turn while a migration runs does only its own work', () => {
  let bot: BotUnderTest;
  let keys: string[];

  beforeEach(async () => {
    const state = memoryState();
    const listed = readsListed(state.storage);
    keys = listed.keys;
    bot = await startBotUnderTest({ state: { ...state, storage: listed.storage } });
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('reads no turn state and asks Graph nothing: only the check that the message is not a re-delivery', async () => {
    const graph: string[] = [];
    bot.simulator.onRequest = (method, url) => graph.push(`${method} ${url}`);
    keys.length = 0;
    await bot.post(personalMessage('status', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    expect(cardOf(reply)).toMatchObject({ type: 'AdaptiveCard' });
    // Besides that check, only the bot's own documents its background work looks at (the outbox).
    expect(keys.filter((key) => key === 'teams/delivered-activities')).toHaveLength(1);
    expect(keys.filter((key) => !key.startsWith('teams/'))).toEqual([]);
    expect(graph).toEqual([]);
  });
});
