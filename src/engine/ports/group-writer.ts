/**
 * The directory calls the populate-and-assign phase makes; Graph is one implementation. A call about a
 * group or member the directory does not have (yet) fails with an `ObjectNotFoundError` naming it.
 */
export interface GroupWriter {
  /**
   * Creates a security group (not mail-enabled), returning its id; with a membership rule, a dynamic one
   * whose members Entra computes (processing On). Never a conversion of an existing group.
   */
  createSecurityGroup(
    displayName: string,
    mailNickname: string,
    description: string,
    membershipRule?: string
  ): Promise<string>;
  /** Groups with exactly this mailNickname (a resumed assignment finds the group it created by it). */
  groupsByMailNickname(
    mailNickname: string
  ): Promise<{ readonly id: string; readonly displayName: string }[]>;
  /** The ids of the group's direct members, lower-cased (a retried step adds only those missing). */
  memberIds(groupId: string): Promise<Set<string>>;
  /** Adds users as direct members; users already members count as added. Returns the failures by user. */
  addMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, Error>>;
  /** Assigns the group one SKU with exactly these disabled plans (processing then runs in the background). */
  assignGroupLicense(
    groupId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<void>;
  /** The group's licenseProcessingState, e.g. ProcessingComplete; null if it has none. */
  processingState(groupId: string): Promise<string | null>;
  /**
   * Groups with an audit "Finish applying group based license to users" event since a moment; null
   * when the app may not read the audit log (403), 'unavailable' when it could not be read this time
   * (throttled by the reports limit, or a server error): neither ever fails the caller.
   */
  processingFinishedSince(since: Date): Promise<Set<string> | null | 'unavailable'>;
  /**
   * Whether every user member of the group carries an assignment from it in their license states
   * (processed, with or without error): the ground truth the audit event only confirms later.
   */
  membersProcessed(groupId: string): Promise<boolean>;
  /** Asks Entra ID to evaluate the user's group licenses again (after the cause of an error is fixed). */
  reprocessUser(userId: string): Promise<void>;
}

/**
 * The directory has no object with this id: deleted, or (just after it was created) not on the replica
 * that answered yet. The adapter decides it (Graph's 404 names the object it did not find).
 */
export class ObjectNotFoundError extends Error {
  constructor(
    readonly objectId: string,
    message: string
  ) {
    super(message);
    this.name = 'ObjectNotFoundError';
  }
}

/** The directory answered that this object is not there (yet). */
export const isNotFoundFor = (error: unknown, objectId: string): boolean =>
  error instanceof ObjectNotFoundError && error.objectId.toLowerCase() === objectId.toLowerCase();
