/**
 * The shape every activity Teams sends has: the fields the bot and botbuilder read are text where Teams
 * sends text, and ids fit in an HTTP header (botbuilder copies the conversation id into one when it
 * answers). An activity of another shape never comes from Teams; it is refused with a 400 that names the
 * field, before any handler sees it, so a malformed post cannot crash a turn half-way.
 */

/** Fields that, when present, are text. Paths are dotted. */
const TEXT_FIELDS = [
  'id',
  'channelId',
  'serviceUrl',
  'text',
  'name',
  'replyToId',
  'locale',
  'from.id',
  'from.name',
  'from.aadObjectId',
  'recipient.id',
  'recipient.name',
  'conversation.id',
  'conversation.name',
  'conversation.tenantId',
  'conversation.conversationType',
  'channelData.tenant.id',
  'channelData.team.id',
  'channelData.channel.id',
] as const;

/** Every activity Teams sends says its channel, where to answer, who sent it, to whom, and in which conversation. */
const REQUIRED_TEXT_FIELDS = [
  'channelId',
  'serviceUrl',
  'from.id',
  'recipient.id',
  'conversation.id',
];

/** Fields that, when present, are objects (not arrays, not null). */
const OBJECT_FIELDS = ['from', 'recipient', 'conversation', 'channelData', 'channelData.tenant'];

/** Ids Teams uses are short printable ASCII ("19:…@thread.tacv2", "a:1…", "29:…"); headers take nothing else. */
const HEADER_SAFE_ID = /^[\x21-\x7e]{1,1024}$/;

/** Names and other short text Teams sends are far below this. */
const MAX_SHORT_TEXT = 1024;

/** Null when the activity has the shape Teams sends; otherwise a sentence naming the first field that is wrong. */
export function activityShapeProblem(activity: Record<string, unknown>): string | null {
  for (const path of OBJECT_FIELDS) {
    const value = valueAt(activity, path);
    if (
      value !== undefined &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    )
      return `The activity's ${path} must be an object.`;
  }
  for (const path of REQUIRED_TEXT_FIELDS) {
    if (valueAt(activity, path) === undefined) return `The activity has no ${path}.`;
  }
  for (const path of TEXT_FIELDS) {
    const value = valueAt(activity, path);
    if (value === undefined) continue;
    if (typeof value !== 'string') return `The activity's ${path} must be text.`;
    if (path !== 'text' && value.length > MAX_SHORT_TEXT)
      return `The activity's ${path} is longer than ${MAX_SHORT_TEXT} characters.`;
  }
  const isGroup = valueAt(activity, 'conversation.isGroup');
  if (isGroup !== undefined && typeof isGroup !== 'boolean')
    return "The activity's conversation.isGroup must be true or false.";
  for (const path of ['conversation.id', 'from.id', 'recipient.id']) {
    const value = valueAt(activity, path);
    if (typeof value === 'string' && !HEADER_SAFE_ID.test(value))
      return `The activity's ${path} has characters no Teams id has.`;
  }
  return null;
}

function valueAt(activity: Record<string, unknown>, path: string): unknown {
  let value: unknown = activity;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
