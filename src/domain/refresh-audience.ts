/** Teams refreshes a card automatically for at most this many users (`refresh.userIds`). */
export const REFRESH_USER_LIMIT = 60;

/** A member of a conversation as the Bot Connector lists it: the MRI, and the Entra object id. */
export interface RosterMember {
  readonly id: string;
  readonly aadObjectId?: string;
}

/**
 * Who gets a sign-off card refreshed for them (and so sees the buttons) without asking: the approvers
 * among the conversation's members, by MRI, at most Teams' limit. `left` counts the approvers beyond it;
 * they press the card's own button to see theirs.
 */
export function refreshAudience(
  roster: readonly RosterMember[],
  approverIds: readonly string[]
): { readonly userIds: string[]; readonly left: number } {
  const approvers = new Set(approverIds.map((id) => id.toLowerCase()));
  const mris = [
    ...new Set(
      roster
        .filter((m) => m.aadObjectId && approvers.has(m.aadObjectId.toLowerCase()))
        .map((m) => m.id)
    ),
  ].sort();
  return {
    userIds: mris.slice(0, REFRESH_USER_LIMIT),
    left: Math.max(0, mris.length - REFRESH_USER_LIMIT),
  };
}
