import type { MigrationEngine } from '../engine/migration-engine';
import type { ChannelNotifier } from './channel-notifier';
import type { TurnWindow } from './turn-window';

/**
 * What the Teams handlers are given: the engine, built outside Teams (src/start-bot.ts), their one way
 * into the migration; and the Teams-side helpers.
 */
export interface CommandDependencies {
  readonly engine: MigrationEngine;
  /** The notification channel: where it is, and sign-off cards replaced or posted from a turn. */
  readonly notifier: ChannelNotifier;
  /** The bot's app id, to open a personal chat. */
  readonly botAppId: string;
  /** Runs each command so its turn answers within Teams' window. */
  readonly turns: TurnWindow;
  readonly now: () => Date;
  readonly log: (line: string) => void;
}
