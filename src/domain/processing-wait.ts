/**
 * The wait for a group's license processing, as data: what each group still waits for (said to the
 * channel when the wait ends without it) and how long to pause before the next poll.
 */

/** What one group's processing wait has seen at a poll. */
export interface GroupProcessingView {
  /** Its licenseProcessingState as the replica answering had it (null: not found there yet). */
  readonly state: string | null;
  /** The read was made the replication-lag bound after the last member add or assignment. */
  readonly fresh: boolean;
}

/** What a group still waits for, as the end of a sentence naming it ("… waits for …"). */
export function processingWaitsFor(view: GroupProcessingView): string {
  if (view.state !== 'ProcessingComplete')
    return `its license processing to complete (last read: ${view.state ?? 'not replicated yet'})`;
  if (!view.fresh)
    return 'a read of its processing state made after every replica has seen the last member added';
  return "its members' license states (or the audit log's finish event) to show the group's license";
}

/**
 * The pause before the next poll: `pollMs` again after progress (a state moved forward, a group
 * finished), else doubled, up to `maxPollMs`, so a long wait asks Graph less and less often.
 */
export function nextPollMs(
  previousMs: number | null,
  progressed: boolean,
  bounds: { readonly pollMs: number; readonly maxPollMs: number }
): number {
  if (previousMs === null || progressed) return bounds.pollMs;
  return Math.min(bounds.maxPollMs, Math.max(bounds.pollMs, previousMs * 2));
}
