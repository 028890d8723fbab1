import { TeamsInfo, type TurnContext } from 'botbuilder';
import { refreshAudience, type RosterMember } from '../domain/refresh-audience';

/** The largest page the Bot Connector's paged members API gives. */
const PAGE_SIZE = 500;

/**
 * The MRIs of the approvers who are members of this turn's conversation (for a channel, its team), for
 * a sign-off card's `refresh.userIds`: read from the roster, matched with the approver group by Entra
 * object id.
 */
export async function approverMris(
  context: TurnContext,
  approverIds: readonly string[],
  log: (line: string) => void
): Promise<string[]> {
  if (approverIds.length === 0) return [];
  const roster: RosterMember[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, PAGE_SIZE, continuationToken);
    roster.push(...page.members);
    continuationToken = page.continuationToken || undefined;
  } while (continuationToken);
  const audience = refreshAudience(roster, approverIds);
  if (audience.left > 0)
    log(
      `${audience.left} approvers beyond Teams' 60 get no automatic refresh of sign-off cards; they press "Show my buttons".`
    );
  return audience.userIds;
}
