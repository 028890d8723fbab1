import { Access } from './use-cases/access';
import { Controls } from './use-cases/controls';
import { Decisions } from './use-cases/decisions';
import type { MigrationEngineDependencies } from './use-cases/engine-dependencies';
import { MigrationReads } from './use-cases/reads';
import { SignOffRequests } from './use-cases/requests';

export type {
  MigrationEngineDependencies,
  MigrationSettings,
} from './use-cases/engine-dependencies';
export { MigrationRefusal } from './use-cases/migration-refusal';
export { TenantReads, type TenantReadsDependencies } from './use-cases/tenant-reads';
export type { DecisionClick } from './use-cases/decisions';
export type { ApprovalView, MigrationStatus, PublishedReport } from './use-cases/reads';
export type { WaveProposal } from './use-cases/requests';
export type { DecisionOutcome } from '../domain/sign-off-decisions';

/**
 * The one way into the migration for the people who run it (Teams, and tests through it), split by
 * what they ask: who may act, asking for sign-off, deciding, controlling work under way, and reading
 * what stands. Approved work runs in the MigrationRunner, woken through `wake`. Built once, in the
 * composition root (src/start-bot.ts).
 */
export class MigrationEngine {
  readonly access: Access;
  readonly requests: SignOffRequests;
  readonly decisions: Decisions;
  readonly controls: Controls;
  readonly reads: MigrationReads;

  constructor(deps: MigrationEngineDependencies) {
    this.access = new Access(deps);
    this.reads = new MigrationReads(deps, this.access);
    this.requests = new SignOffRequests(deps, this.access);
    this.decisions = new Decisions(deps, this.access);
    this.controls = new Controls(deps, this.access, this.reads);
  }
}
