import { randomUUID } from 'node:crypto';
import { DEMO_PEOPLE, DEMO_TENANT_ID } from '../../src/simulator/scenarios/demo-tenant';

export const BOT_MRI = '28:license-migration-bot';

interface ActivityOptions {
  readonly serviceUrl: string;
  readonly tenantId?: string;
  readonly from?: { id: string; name: string; aadObjectId: string };
}

const defaultFrom = () => ({
  id: `29:${DEMO_PEOPLE.admin.id}`,
  name: DEMO_PEOPLE.admin.name,
  aadObjectId: DEMO_PEOPLE.admin.id,
});

/** A message in a personal chat, shaped as Teams delivers it to /api/messages. */
export function personalMessage(text: string, options: ActivityOptions): Record<string, unknown> {
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: options.from ?? defaultFrom(),
    recipient: { id: BOT_MRI, name: 'License Migration' },
    conversation: { id: `a:personal-${tenantId}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    text,
    textFormat: 'plain',
    locale: 'en-US',
  };
}

/** A channel post that @mentions the bot, as Teams delivers it. */
export function channelMention(text: string, options: ActivityOptions): Record<string, unknown> {
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  const mention = '<at>License Migration</at>';
  return {
    ...personalMessage(`${mention} ${text}`, options),
    conversation: {
      id: '19:license-migration@thread.tacv2;messageid=1700000000000',
      conversationType: 'channel',
      isGroup: true,
      tenantId,
    },
    channelData: {
      tenant: { id: tenantId },
      team: { id: '19:it-admins@thread.tacv2' },
      channel: { id: '19:license-migration@thread.tacv2' },
    },
    entities: [
      { type: 'mention', text: mention, mentioned: { id: BOT_MRI, name: 'License Migration' } },
    ],
  };
}

export type DemoPerson = keyof typeof DEMO_PEOPLE;

/** How Teams names a person on an activity's `from`. */
export const from = (person: DemoPerson) => ({
  id: `29:${DEMO_PEOPLE[person].id}`,
  name: DEMO_PEOPLE[person].name,
  aadObjectId: DEMO_PEOPLE[person].id,
});

/** A click on an Action.Execute button (or a card's automatic refresh), as Teams sends the invoke. */
export function cardAction(
  verb: string,
  data: Record<string, unknown>,
  options: ActivityOptions & {
    replyToId?: string;
    channel?: boolean;
    trigger?: 'manual' | 'automatic';
  }
): Record<string, unknown> {
  const base = options.channel ? channelMention('', options) : personalMessage('', options);
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    text: undefined,
    entities: undefined,
    replyToId: options.replyToId ?? 'card-1',
    value: {
      action: { type: 'Action.Execute', id: randomUUID(), verb, data },
      trigger: options.trigger ?? 'manual',
    },
  };
}
