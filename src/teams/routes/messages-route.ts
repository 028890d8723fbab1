import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import type { Server } from 'restify';
import type { BotAdapter } from '../bot-adapter';
import { activityShapeProblem } from './activity-shape';

/** The largest activity accepted. Teams' own are a few KB; a card's invoke with a 500-character reason is far below. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/** Loopback as it appears in a Host header, without the port. */
const LOOPBACK_HOST_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface MessagesRouteOptions {
  readonly adapter: BotAdapter;
  readonly app: Application<TurnState>;
  /** No BOT_ID: nothing is authenticated, so only requests addressed to loopback are taken. */
  readonly anonymous: boolean;
  readonly log: (line: string) => void;
}

interface Refusal {
  readonly status: number;
  readonly error: string;
}

/**
 * POST /api/messages: where Teams (or the Agents Playground) delivers every activity. Before anything is
 * parsed: JSON only (415), at most MAX_ACTIVITY_BYTES (413), and with an identity a bearer token (401)
 * before the body is even read. A body that is not JSON, or not an activity, is a 400; the token itself
 * is checked against the parsed activity (its service URL is part of the check), 401 if it fails. No
 * answer carries internal error text, and refusals are logged as one short line at most once a minute.
 */
export function registerMessagesRoute(server: Server, options: MessagesRouteOptions): void {
  const logRefusal = rateLimited(options.log, 60_000);
  server.post('/api/messages', async (req, res) => {
    try {
      await handle(req, res, options, logRefusal);
    } catch (error) {
      options.log(
        `/api/messages failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      );
      if (!res.headersSent) answer(res, 500, { error: 'The bot could not handle this activity.' });
      else res.end();
    }
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: MessagesRouteOptions,
  logRefusal: (line: string) => void
): Promise<void> {
  const early = refuseBeforeReading(req.headers, options.anonymous);
  if (early) {
    if (early.status === 401)
      logRefusal(`Refused a request to /api/messages with no Bot Framework token.`);
    return refuseUnread(res, early);
  }
  const body = await readBody(req, MAX_ACTIVITY_BYTES);
  if (body === 'too-large') return refuseUnread(res, TOO_LARGE);
  if (body === 'aborted') return;
  const activity = parseActivity(body);
  if (typeof activity === 'string') return answer(res, 400, { error: activity });
  const outcome = await options.adapter.handleActivity(
    String(req.headers.authorization ?? ''),
    activity,
    async (context) => {
      await options.app.run(context);
    }
  );
  if (outcome.kind === 'refused') {
    logRefusal(
      `Refused a request to /api/messages: its Bot Framework token did not pass (${outcome.reason}).`
    );
    return answer(res, 401, { error: 'A valid Bot Framework token is required.' });
  }
  answer(res, outcome.status, outcome.body);
}

const TOO_LARGE: Refusal = {
  status: 413,
  error: `An activity may be at most ${MAX_ACTIVITY_BYTES / 1024} KB.`,
};

/** The checks that need only the headers: each one is answered before a byte of the body is read. */
export function refuseBeforeReading(
  headers: IncomingHttpHeaders,
  anonymous: boolean
): Refusal | null {
  // An anonymous bot (tenant simulator only) answers only requests addressed to loopback: a web page
  // whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends its own host name.
  if (anonymous && !LOOPBACK_HOST_NAMES.has(hostName(headers.host ?? ''))) {
    return { status: 403, error: 'This bot answers only requests addressed to this machine.' };
  }
  if (!anonymous && !/^Bearer [^\s]+$/.test(headers.authorization ?? '')) {
    return { status: 401, error: 'A valid Bot Framework token is required.' };
  }
  if (!isJson(headers['content-type'])) {
    return { status: 415, error: 'An activity must be sent as application/json.' };
  }
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return { status: 415, error: 'An activity must be sent without a content encoding.' };
  }
  const length = headers['content-length'];
  if (length !== undefined && !(/^\d+$/.test(length) && Number(length) <= MAX_ACTIVITY_BYTES))
    return TOO_LARGE;
  return null;
}

/** `application/json`, with no charset or UTF-8's: what Teams and the Bot Framework send. */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value] = parameter.split('=').map((part) => part.trim().replace(/^"|"$/g, ''));
    return name !== 'charset' || value === 'utf-8' || value === 'utf8';
  });
}

function hostName(host: string): string {
  const name = host.trim().toLowerCase();
  if (name.startsWith('[')) return name.slice(0, name.indexOf(']') + 1);
  return name.replace(/:\d*$/, '');
}

/** The body as text, or 'too-large' as soon as it passes `limit` bytes (the rest is never buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: string | 'too-large' | 'aborted') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done('too-large');
      } else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks).toString('utf8'));
    const onError = () => done('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** The parsed activity, or why the body is not one (said without any parser's internal text). */
function parseActivity(body: string): Activity | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'The body is not valid JSON.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The body is not a Bot Framework activity (a JSON object).';
  }
  const activity = value as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') {
    return 'The body is not a Bot Framework activity: it has no type.';
  }
  const problem = activityShapeProblem(activity);
  if (problem) return problem;
  // A message may come without text (a card's Action.Submit, an attachment alone); teams-ai's mention
  // handling reads it unguarded, so it is taken as empty text.
  if (activity.type === 'message' && activity.text === undefined) activity.text = '';
  // As botbuilder's own HTTP handling does: the timestamps become dates, the text kept beside them.
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field]);
    }
  }
  return activity as unknown as Activity;
}

function answer(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Answers without reading (the rest of) the body; `Connection: close` makes Node close the connection
 * once the answer is sent, rather than keep it for a next request behind a body nobody reads.
 */
function refuseUnread(res: ServerResponse, refusal: Refusal): void {
  res.setHeader('connection', 'close');
  answer(res, refusal.status, { error: refusal.error });
}

/** `log`, at most once per interval; the lines in between are counted and the count told with the next. */
export function rateLimited(
  log: (line: string) => void,
  intervalMs: number
): (line: string) => void {
  let last = -Infinity;
  let skipped = 0;
  return (line) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      skipped += 1;
      return;
    }
    last = now;
    log(skipped ? `${line} (and ${skipped} more refused since the last such line)` : line);
    skipped = 0;
  };
}
