import { activityShapeProblem } from '../../src/teams/routes/activity-shape';

const teamsMessage = (): Record<string, unknown> => ({
  type: 'message',
  id: 'f:1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: '29:1', name: 'Adele Vance', aadObjectId: '7b3e9a10-2c4d-4e5f-8a6b-1c2d3e4f5a60' },
  recipient: { id: '28:bot', name: 'License Migration' },
  conversation: { id: '19:abc@thread.tacv2;messageid=1', isGroup: true, tenantId: 't' },
  channelData: { tenant: { id: 't' } },
  text: 'status',
});

describe('an activity is taken only in the shape Teams sends', () => {
  it('takes a message as Teams sends it', () => {
    expect(activityShapeProblem(teamsMessage())).toBeNull();
  });

  it.each([
    [
      'from.aadObjectId',
      (a: Record<string, unknown>) => ((a.from as Record<string, unknown>).aadObjectId = false),
      'from.aadObjectId must be text',
    ],
    [
      'conversation.tenantId',
      (a: Record<string, unknown>) => ((a.conversation as Record<string, unknown>).tenantId = 7),
      'conversation.tenantId must be text',
    ],
    [
      'conversation.isGroup',
      (a: Record<string, unknown>) => ((a.conversation as Record<string, unknown>).isGroup = 'yes'),
      'isGroup must be true or false',
    ],
    [
      'a conversation id with a line break',
      (a: Record<string, unknown>) => ((a.conversation as Record<string, unknown>).id = '19:a\nb'),
      'conversation.id has characters',
    ],
    [
      'a conversation id in another script',
      (a: Record<string, unknown>) => ((a.conversation as Record<string, unknown>).id = 'a:ὈᜉὈ'),
      'conversation.id has characters',
    ],
    [
      'no conversation',
      (a: Record<string, unknown>) => delete a.conversation,
      'has no conversation.id',
    ],
    ['no sender', (a: Record<string, unknown>) => delete a.from, 'has no from.id'],
    ['no channel id', (a: Record<string, unknown>) => delete a.channelId, 'has no channelId'],
    ['no service URL', (a: Record<string, unknown>) => delete a.serviceUrl, 'has no serviceUrl'],
    [
      'a sender that is a list',
      (a: Record<string, unknown>) => (a.from = ['29:1']),
      'from must be an object',
    ],
    [
      'a 2,000-character name',
      (a: Record<string, unknown>) => ((a.from as Record<string, unknown>).name = 'x'.repeat(2000)),
      'from.name is longer',
    ],
  ])('refuses %s, naming the field', (_what, spoil, message) => {
    const activity = teamsMessage();
    spoil(activity);
    expect(activityShapeProblem(activity)).toContain(message);
  });

  it('leaves long message text to the size limit', () => {
    expect(activityShapeProblem({ ...teamsMessage(), text: 'x'.repeat(100_000) })).toBeNull();
  });
});
