import type { Journal } from '../domain/journal';
import type { PreflightReport } from '../domain/preflight';
import type { GroupWriter } from '../engine/group-writer';
import type { MigrationService } from '../engine/migration-service';
import type { TenantReader } from '../engine/tenant-reader';
import type { ReportStore } from '../storage/report-blobs';
import type { ChannelNotifier } from './channel-notifier';
import type { TurnWindow } from './turn-window';

/** What the Teams handlers need: the engine's reads and service, and the Teams-side helpers. */
export interface CommandDependencies {
  readonly reader: TenantReader;
  /** For `reprocess`; everything else that changes the tenant goes through the service's approvals. */
  readonly groupWriter: GroupWriter;
  readonly service: MigrationService;
  readonly journal: Journal;
  readonly notifier: ChannelNotifier;
  /** Where `report` puts its CSV; null where the bot keeps no blobs. */
  readonly reports: ReportStore | null;
  /** The bot's app id, to open a personal chat. */
  readonly botAppId: string;
  /** Runs each command so its turn answers within Teams' window. */
  readonly turns: TurnWindow;
  /** `doctor`: every pre-flight check, none of which changes anything. */
  readonly preflight: () => Promise<PreflightReport>;
  readonly now: () => Date;
  readonly log: (line: string) => void;
}
