import type { AuditActor } from '../audit-log';
import type { Directory } from '../directory';
import type { DynamicMembershipProcessor } from '../dynamic-membership';
import type { LicenseProcessor } from '../license-processor';

/** What a Graph route handler gets: the parsed URL, path parameters and JSON body. */
export interface RequestContext {
  readonly url: URL;
  readonly params: readonly string[];
  readonly body: unknown;
  /** The simulator's origin, for absolute @odata links. */
  readonly baseUrl: string;
}

/** A response other than 200 with a JSON body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {}
}

export type Handler = (context: RequestContext) => unknown;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** What route modules share: the directory and its background license processing. */
export interface SimulatorState {
  readonly directory: Directory;
  readonly processor: LicenseProcessor;
  /** The application whose token the simulator accepts: the actor of every change made through it. */
  readonly caller: AuditActor;
  /** Refuse member changes to synced, dynamic and role-assignable groups, as Graph does (on by default). */
  readonly unchangeableGroups?: boolean;
  /** Applies dynamic groups' rules in the background after groups or users change. */
  readonly dynamicMembership?: DynamicMembershipProcessor;
}

/** A path segment: an id, a UPN, or `$ref`-style OData segment. */
export const SEGMENT = '([^/]+)';

export function route(method: string, path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^/v1\\.0${path}/?$`, 'i'), handler };
}

/** A simulator-only route outside Graph's namespace (under /_simulator/), for tests and benchmarks. */
export function simulatorRoute(method: string, path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^/_simulator${path}/?$`, 'i'), handler };
}
