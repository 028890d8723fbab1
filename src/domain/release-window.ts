/**
 * Release windows: an approver can let a removal wave run only at set local times, e.g. "Sat 02:00–06:00
 * Europe/Paris". The wave runs while its window is open, stops when it closes and goes on when it next
 * opens. The time zone is always explicit, and open or closed is decided by the wall clock in that zone,
 * so a window keeps its local hours across summer-time changes. Pure: no clock, no I/O.
 */

export interface ReleaseWindow {
  /** Days the window opens on, 0 = Sunday … 6 = Saturday, sorted, unique. */
  readonly days: readonly number[];
  /** Opening time, minutes after local midnight (0–1439). */
  readonly start: number;
  /** Closing time, minutes after local midnight (1–1440); at or before `start` it closes the next day. */
  readonly end: number;
  /** An IANA time zone name ("Europe/Paris") or "UTC". */
  readonly timeZone: string;
  /** Canonical text, e.g. "Sat 02:00–06:00 Europe/Paris", "Mon–Fri 22:00–02:00 UTC", "daily 01:00–05:00 Asia/Tokyo". */
  readonly text: string;
}

/** Text that is not a window; the message says exactly what is wrong and gives an example. */
export class ReleaseWindowError extends Error {}

export type WindowState =
  | { readonly open: true; readonly closesAt: Date }
  | { readonly open: false; readonly opensAt: Date };

const MINUTE = 60_000;
const DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const FULL_DAY_NAMES = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
/** Spellings people use besides the full and 3-letter names. */
const OTHER_DAY_SPELLINGS: Record<string, number> = { tues: 2, thur: 4, thurs: 4 };
const MONTH_NAMES = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
/** A time range: two HH:MM joined by a hyphen, an en or em dash, or "to". */
const TIME_RANGE = /(?<![\d:])(\d{1,2}:\d{2})\s*(?:-|–|—|\bto\b)\s*(\d{1,2}:\d{2})(?![\d:])/i;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
/** How many times the search for a close or an opening may step over a change of the zone's offset. */
const MAX_STEPS = 64;

/**
 * Parses "Saturday 02:00–06:00 Europe/Paris": the days, then the times, then the time zone, all required
 * (a window without a zone would open at a different moment for each reader).
 */
export function parseReleaseWindow(text: string): ReleaseWindow {
  const said = text.trim().replace(/\s+/g, ' ');
  const range = TIME_RANGE.exec(said);
  if (!range) {
    throw new ReleaseWindowError(
      `"${said}" has no time range; give the opening and closing times as HH:MM-HH:MM, e.g. "Sat 02:00–06:00 Europe/Paris".`
    );
  }
  const start = minuteOfDay(range[1]);
  if (start === MINUTES_PER_DAY) {
    throw new ReleaseWindowError(
      `A window cannot open at "${range[1]}", the end of a day; open it at 00:00 of the next day.`
    );
  }
  const closing = minuteOfDay(range[2]);
  if (closing === start) {
    throw new ReleaseWindowError(
      `"${range[0]}" opens and closes at the same time; a window must have a length, e.g. 02:00–06:00.`
    );
  }
  // Closing at 00:00 is closing at the end of the day: kept as 24:00 so `end` stays 1–1440.
  const end = closing === 0 ? MINUTES_PER_DAY : closing;
  const times = `${clock(start)}–${clock(end)}`;
  const dayPart = said.slice(0, range.index).trim();
  const zonePart = said.slice(range.index + range[0].length).trim();

  if (TIME_RANGE.test(zonePart)) {
    throw new ReleaseWindowError(
      `"${said}" has more than one time range; a window has one, e.g. "Sat 02:00–06:00 Europe/Paris".`
    );
  }
  if (zonePart === '') {
    const firstWord = dayPart.split(' ')[0];
    if (dayPart.includes(' ') && knownZone(firstWord)) {
      throw new ReleaseWindowError(
        `"${said}": put the time zone last, e.g. "${dayPart.slice(firstWord.length + 1)} ${times} ${knownZone(firstWord)}".`
      );
    }
    throw new ReleaseWindowError(
      `"${said}" has no time zone; say one, e.g. "${said} Europe/Paris" or "… UTC".`
    );
  }
  if (dayPart === '' && zonePart.includes(' ')) {
    throw new ReleaseWindowError(
      `"${said}": say the days first, then the times, then the time zone, e.g. "Sat ${times} Europe/Paris".`
    );
  }
  const timeZone = knownZone(zonePart);
  if (!timeZone) {
    throw new ReleaseWindowError(
      `"${zonePart}" is not a time zone I know; use an IANA name such as Europe/Paris, or UTC.`
    );
  }
  if (dayPart === '') {
    throw new ReleaseWindowError(
      `"${said}" has no days; say which, e.g. "Sat ${times} ${timeZone}", "Mon-Fri ${times} ${timeZone}" or "daily ${times} ${timeZone}".`
    );
  }
  const days = parseDays(dayPart);
  const window = { days, start, end, timeZone, text: `${describeDays(days)} ${times} ${timeZone}` };
  if (neverCloses(window)) {
    throw new ReleaseWindowError(
      `"${said}" is always open; a window must close at some time, e.g. "daily 01:00–05:00 ${timeZone}".`
    );
  }
  return window;
}

/** Whether the window is open at `now`, and when it next closes or opens. */
export function windowAt(window: ReleaseWindow, now: Date): WindowState {
  if (window.days.length === 0) {
    throw new ReleaseWindowError(`The window "${window.text}" has no days, so it never opens.`);
  }
  if (neverCloses(window)) {
    throw new ReleaseWindowError(`The window "${window.text}" is always open, so it never closes.`);
  }
  const at = now.getTime();
  return isOpenAtLocal(window, at + offsetAt(window.timeZone, at))
    ? { open: true, closesAt: new Date(firstInstant(window, at, false)) }
    : { open: false, opensAt: new Date(firstInstant(window, at, true)) };
}

/** A moment as people in the window's zone read it, with UTC beside it: "Sat 28 Nov 02:00 Europe/Paris (01:00 UTC)"; for UTC just "Sat 28 Nov 01:00 UTC". */
export function describeMoment(moment: Date, timeZone: string): string {
  const zone = knownZone(timeZone);
  if (!zone) {
    throw new ReleaseWindowError(
      `"${timeZone}" is not a time zone I know; use an IANA name such as Europe/Paris, or UTC.`
    );
  }
  const at = moment.getTime();
  const local = new Date(at + offsetAt(zone, at));
  const utc = new Date(at);
  const localText = `${calendarDay(local)} ${clockOf(local)} ${zone}`;
  if (zone === 'UTC') return localText;
  // The UTC date is said only when it is not the local one, so "(23:30 UTC)" is never a day off unseen.
  const utcText =
    calendarDay(utc) === calendarDay(local) ? clockOf(utc) : `${calendarDay(utc)} ${clockOf(utc)}`;
  return `${localText} (${utcText} UTC)`;
}

/** "2:00" → 120; "24:00" → 1440, which only a closing time may be. */
function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  if (hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  if (hours > 23 || minutes > 59) {
    throw new ReleaseWindowError(`"${time}" is not a time of day (00:00 to 24:00).`);
  }
  return hours * 60 + minutes;
}

function clock(minute: number): string {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The zone's name as the window states it, or undefined if Intl does not know it. Names Intl takes for
 * UTC (utc, GMT, Etc/UTC) become "UTC"; others get Intl's casing. An alias Intl knows under another name
 * (Asia/Kolkata, which it calls Asia/Calcutta) is kept as written: Intl treats both the same.
 */
function knownZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  if (resolved === 'UTC') return 'UTC';
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** "Mon-Fri", "Fri-Mon" (wrapping), "Sat,Sun", "Saturday", "daily" or "every day" → sorted weekdays. */
function parseDays(dayPart: string): number[] {
  if (/^(daily|every ?day)$/i.test(dayPart)) return [0, 1, 2, 3, 4, 5, 6];
  const items = dayPart
    .replace(/\s*([,\-–—])\s*/g, '$1')
    .replace(/ to /gi, '-')
    .split(/[, ]+/)
    .filter((item) => item !== '');
  const days = new Set<number>();
  for (const item of items) {
    const range = /^([^-–—]+)[-–—]([^-–—]+)$/.exec(item);
    if (range) {
      const first = dayNumber(range[1]);
      const last = dayNumber(range[2]);
      for (let day = first; ; day = (day + 1) % 7) {
        days.add(day);
        if (day === last) break;
      }
    } else if (/[-–—]/.test(item)) {
      throw new ReleaseWindowError(
        `"${item}" is not a range of days; give the first and the last day, e.g. Mon-Fri.`
      );
    } else {
      days.add(dayNumber(item));
    }
  }
  return [...days].sort((a, b) => a - b);
}

function dayNumber(word: string): number {
  const lower = word.toLowerCase();
  const byName = FULL_DAY_NAMES.findIndex(
    (name) => lower === name || lower === `${name}s` || lower === name.slice(0, 3)
  );
  if (byName >= 0) return byName;
  const other = OTHER_DAY_SPELLINGS[lower];
  if (other !== undefined) return other;
  throw new ReleaseWindowError(
    `"${word}" is not a day; use Mon … Sun, a range such as Mon-Fri, or daily.`
  );
}

/**
 * "daily", or the days Monday first with three or more in a row as a range: "Mon–Fri", "Mon,Wed–Fri,Sun",
 * "Fri–Mon" (a run over the week's end stays whole), "Sat,Sun".
 */
function describeDays(days: readonly number[]): string {
  if (days.length === 7) return 'daily';
  const mondayFirst = (day: number) => (day + 6) % 7;
  const has = (position: number) => days.includes((position + 1) % 7);
  // Positions 0 … 6 are Mon … Sun; collect runs starting after a day left out, so none is cut in two.
  let first = 0;
  while (has(first)) first += 1;
  const runs: number[][] = [];
  let run: number[] = [];
  for (let i = 1; i <= 7; i += 1) {
    const position = (first + i) % 7;
    if (has(position)) {
      run.push((position + 1) % 7);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  return runs
    .flatMap((r) => (r.length >= 3 ? [r] : r.map((day) => [day])))
    .sort((a, b) => mondayFirst(a[0]) - mondayFirst(b[0]))
    .map((r) =>
      r.length >= 3 ? `${DAY_NAMES[r[0]]}–${DAY_NAMES[r[r.length - 1]]}` : DAY_NAMES[r[0]]
    )
    .join(',');
}

/** Open every minute of every day: all seven days, each for a whole 24 hours. */
function neverCloses(window: ReleaseWindow): boolean {
  return window.days.length === 7 && windowLength(window) === MINUTES_PER_DAY;
}

/** Minutes from opening to closing; a window crossing midnight closes the next day. */
function windowLength(window: ReleaseWindow): number {
  return window.end > window.start
    ? window.end - window.start
    : window.end + MINUTES_PER_DAY - window.start;
}

/*
 * Local wall-clock time is kept as milliseconds since 1970-01-01 00:00 on that clock (as if it were UTC):
 * day = floor(local / DAY), and 1970-01-01 was a Thursday.
 */

function weekdayOf(localDay: number): number {
  return (((localDay + 4) % 7) + 7) % 7;
}

/** The window's definition, on the zone's wall clock (seconds do not matter, only the minute). */
function isOpenAtLocal(window: ReleaseWindow, local: number): boolean {
  const localDay = Math.floor(local / DAY);
  const minute = Math.floor((local - localDay * DAY) / MINUTE);
  const weekday = weekdayOf(localDay);
  if (window.end > window.start) {
    return window.days.includes(weekday) && minute >= window.start && minute < window.end;
  }
  return (
    (window.days.includes(weekday) && minute >= window.start) ||
    (window.days.includes((weekday + 6) % 7) && minute < window.end)
  );
}

/** Where the window's openings lie on the wall clock, from the day before `local` to eight days after. */
function openingsAround(window: ReleaseWindow, local: number): { from: number; to: number }[] {
  const today = Math.floor(local / DAY);
  const length = windowLength(window) * MINUTE;
  const openings: { from: number; to: number }[] = [];
  for (let day = today - 1; day <= today + 8; day += 1) {
    if (!window.days.includes(weekdayOf(day))) continue;
    const from = day * DAY + window.start * MINUTE;
    openings.push({ from, to: from + length });
  }
  return openings;
}

/** On the wall clock: when the opening that holds `local` closes, following on into openings that abut it. */
function closingAfter(window: ReleaseWindow, local: number): number {
  const openings = openingsAround(window, local);
  let i = openings.findIndex((o) => o.from <= local && local < o.to);
  let closes = openings[i].to;
  for (i += 1; i < openings.length && openings[i].from <= closes; i += 1) {
    closes = Math.max(closes, openings[i].to);
  }
  return closes;
}

/** On the wall clock: when the window next opens after `local`. */
function openingAfter(window: ReleaseWindow, local: number): number {
  const next = openingsAround(window, local).find((o) => o.from > local);
  if (!next) throw new ReleaseWindowError(`The window "${window.text}" never opens.`);
  return next.from;
}

/**
 * The first instant from `from` at which the window is open (or closed, as asked). Between changes of the
 * zone's offset the wall clock runs with UTC, so the answer is the next wall-clock boundary less the
 * offset; where the offset changes first (summer time), the window is looked at again from that change:
 * a jump forward can skip past the boundary, a jump back can reopen a window that had just closed.
 * Assumes an offset does not change and change back between two boundaries (at most ~8 days apart).
 */
function firstInstant(window: ReleaseWindow, from: number, wantOpen: boolean): number {
  let at = from;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const offset = offsetAt(window.timeZone, at);
    const local = at + offset;
    if (isOpenAtLocal(window, local) === wantOpen) return at;
    const boundary = wantOpen ? openingAfter(window, local) : closingAfter(window, local);
    const candidate = boundary - offset;
    if (offsetAt(window.timeZone, candidate) === offset) return candidate;
    at = offsetChange(window.timeZone, at, candidate, offset);
  }
  throw new ReleaseWindowError(
    `Could not find when the window "${window.text}" next ${wantOpen ? 'opens' : 'closes'}.`
  );
}

/** The first instant in (after, before] at which the zone's offset is no longer `offset`, to the millisecond. */
function offsetChange(timeZone: string, after: number, before: number, offset: number): number {
  let low = after;
  let high = before;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(timeZone, middle) === offset) low = middle;
    else high = middle;
  }
  return high;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function offsetAt(timeZone: string, instant: number): number {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(timeZone, format);
  }
  const field: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) field[part.type] = Number(part.value);
  const wall = Date.UTC(
    field.year,
    field.month - 1,
    field.day,
    field.hour,
    field.minute,
    field.second
  );
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return wall - wholeSecond;
}

/** "Sat 28 Nov", read from a wall-clock Date. */
function calendarDay(wall: Date): string {
  return `${DAY_NAMES[wall.getUTCDay()]} ${wall.getUTCDate()} ${MONTH_NAMES[wall.getUTCMonth()]}`;
}

function clockOf(wall: Date): string {
  return `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}
