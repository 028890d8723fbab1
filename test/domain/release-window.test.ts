import fc from 'fast-check';
import {
  describeMoment,
  parseReleaseWindow,
  ReleaseWindowError,
  windowAt,
  type ReleaseWindow,
  type WindowState,
} from '../../src/domain/release-window';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];
/** Each zone's summer-time changes in 2026 (Lord Howe moves by 30 minutes, Chatham at xx:45). */
const CLOCK_CHANGES: readonly [string, string][] = [
  ['Europe/Paris', '2026-03-29T01:00:00Z'],
  ['Europe/Paris', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
  ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
];

const at = (iso: string) => new Date(iso);
const opensAt = (state: WindowState) => (state.open ? null : state.opensAt.toISOString());
const closesAt = (state: WindowState) => (state.open ? state.closesAt.toISOString() : null);

function errorOf(text: string): string {
  try {
    parseReleaseWindow(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseWindowError);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was taken as a window`);
}

const oracleClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * The definition, read straight off the zone's wall clock: open on a listed day from the opening time,
 * until the closing time that day, or the next day for a window crossing midnight.
 */
function oracleOpen(window: ReleaseWindow, instant: number): boolean {
  let clock = oracleClocks.get(window.timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone: window.timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    oracleClocks.set(window.timeZone, clock);
  }
  const parts = Object.fromEntries(
    clock.formatToParts(new Date(instant)).map((p) => [p.type, p.value])
  );
  const weekday = DAY_NAMES.indexOf(parts.weekday);
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  const previousDay = (weekday + 6) % 7;
  if (window.end > window.start) {
    return window.days.includes(weekday) && window.start <= minute && minute < window.end;
  }
  return (
    (window.days.includes(weekday) && minute >= window.start) ||
    (window.days.includes(previousDay) && minute < window.end)
  );
}

function utcOffset(timeZone: string, instant: number): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(instant))
    .find((p) => p.type === 'timeZoneName')!.value;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Times anywhere in the day, and often on the quarter hour in the small hours, where clocks change. */
const timeOfDay = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 20 }).map((quarter) => quarter * 15)
);
const anyWindow = fc
  .record({
    days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    start: timeOfDay,
    end: fc.oneof(timeOfDay, fc.constant(1440)),
    zone: fc.constantFrom(...ZONES),
  })
  .filter((w) => w.start !== w.end && !(w.days.length === 7 && w.start === 0 && w.end === 1440))
  .map((w) =>
    parseReleaseWindow(
      `${w.days.map((d) => DAY_NAMES[d]).join(',')} ${clock(w.start)}-${clock(w.end)} ${w.zone}`
    )
  );
/** Whole minutes in 2026–2027, often within three days of a clock change. */
const wholeMinute = fc.oneof(
  fc
    .integer({
      min: Date.parse('2026-01-01T00:00:00Z') / MINUTE,
      max: Date.parse('2028-01-01T00:00:00Z') / MINUTE - 1,
    })
    .map((minute) => minute * MINUTE),
  fc
    .tuple(
      fc.constantFrom(...CLOCK_CHANGES.map(([, iso]) => Date.parse(iso))),
      fc.integer({ min: -3 * 1440, max: 3 * 1440 })
    )
    .map(([change, minutes]) => change + minutes * MINUTE)
);
/** Some way into a minute, as a real clock reads. */
const anyInstant = fc
  .tuple(wholeMinute, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MINUTE - 1 })))
  .map(([minute, ms]) => minute + ms);
const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
  minLength: 3,
  maxLength: 3,
});

describe('reading a release window an approver writes', () => {
  it.each([
    ['Saturday 02:00–06:00 Europe/Paris', 'Sat 02:00–06:00 Europe/Paris'],
    ['  sat   2:00 - 6:00   europe/paris ', 'Sat 02:00–06:00 Europe/Paris'],
    ['SATURDAY 02:00 to 06:00 UTC', 'Sat 02:00–06:00 UTC'],
    ['Mon-Fri 22:00-02:00 utc', 'Mon–Fri 22:00–02:00 UTC'],
    ['Fri-Mon 01:00-05:00 UTC', 'Fri–Mon 01:00–05:00 UTC'],
    ['Sat,Sun 02:00-06:00 UTC', 'Sat,Sun 02:00–06:00 UTC'],
    ['sun, sat 02:00-06:00 UTC', 'Sat,Sun 02:00–06:00 UTC'],
    ['Mon, Wed-Fri 01:00-05:00 UTC', 'Mon,Wed–Fri 01:00–05:00 UTC'],
    ['Mon-Tue 01:00-05:00 UTC', 'Mon,Tue 01:00–05:00 UTC'],
    ['daily 1:00-5:00 asia/tokyo', 'daily 01:00–05:00 Asia/Tokyo'],
    ['every day 01:00–05:00 Asia/Tokyo', 'daily 01:00–05:00 Asia/Tokyo'],
    ['Sun-Sat 01:00-05:00 UTC', 'daily 01:00–05:00 UTC'],
    ['Sat 22:00-00:00 UTC', 'Sat 22:00–24:00 UTC'],
    ['Sat 00:00-24:00 UTC', 'Sat 00:00–24:00 UTC'],
    ['Sat 02:00-06:00 GMT', 'Sat 02:00–06:00 UTC'],
  ])('reads "%s" as "%s"', (text, canonical) => {
    expect(parseReleaseWindow(text).text).toBe(canonical);
  });

  it('gives the days Sunday = 0, the times in minutes after midnight and the zone as Intl names it', () => {
    expect(parseReleaseWindow('Saturday 02:00–06:00 europe/paris')).toEqual({
      days: [6],
      start: 120,
      end: 360,
      timeZone: 'Europe/Paris',
      text: 'Sat 02:00–06:00 Europe/Paris',
    });
    expect(parseReleaseWindow('Fri-Mon 22:00-02:00 UTC')).toMatchObject({
      days: [0, 1, 5, 6],
      start: 1320,
      end: 120,
    });
    expect(parseReleaseWindow('Sat 22:00-00:00 UTC')).toMatchObject({ start: 1320, end: 1440 });
  });

  it('reads its own canonical text back as the same window', () => {
    fc.assert(
      fc.property(anyWindow, (window) => {
        expect(parseReleaseWindow(window.text)).toEqual(window);
      }),
      { numRuns: 200 }
    );
  });

  it('asks for a time zone when none is given, with the text to send instead', () => {
    expect(errorOf('Saturday 02:00–06:00')).toBe(
      '"Saturday 02:00–06:00" has no time zone; say one, e.g. "Saturday 02:00–06:00 Europe/Paris" or "… UTC".'
    );
  });

  it('says which time zone it does not know', () => {
    expect(errorOf('Sat 02:00-06:00 Mars/Olympus')).toBe(
      '"Mars/Olympus" is not a time zone I know; use an IANA name such as Europe/Paris, or UTC.'
    );
    expect(errorOf('Sat 02:00-06:00 +01:00')).toContain('"+01:00" is not a time zone I know');
  });

  it('says which time is not a time of day', () => {
    expect(errorOf('Sat 25:00-06:00 UTC')).toBe('"25:00" is not a time of day (00:00 to 24:00).');
    expect(errorOf('Sat 02:00-06:60 UTC')).toBe('"06:60" is not a time of day (00:00 to 24:00).');
    expect(errorOf('Sat 24:00-02:00 UTC')).toContain('cannot open at "24:00"');
  });

  it('says which word is not a day', () => {
    expect(errorOf('Sonday 02:00-06:00 UTC')).toBe(
      '"Sonday" is not a day; use Mon … Sun, a range such as Mon-Fri, or daily.'
    );
    expect(errorOf('Mon-Fry 02:00-06:00 UTC')).toContain('"Fry" is not a day');
    expect(errorOf('Mon- 02:00-06:00 UTC')).toContain('"Mon-" is not a range of days');
  });

  it('requires the days: a window without them is not taken as daily', () => {
    const message = errorOf('02:00-06:00 Europe/Paris');
    expect(message).toContain('"02:00-06:00 Europe/Paris" has no days');
    expect(message).toContain('"daily 02:00–06:00 Europe/Paris"');
  });

  it('requires the times, and a window with a length', () => {
    expect(errorOf('Sat Europe/Paris')).toContain('"Sat Europe/Paris" has no time range');
    expect(errorOf('Sat 02:00 Europe/Paris')).toContain('has no time range');
    expect(errorOf('Sat 02:00-02:00 UTC')).toContain('a window must have a length');
    expect(errorOf('Sat 00:00-00:00 UTC')).toContain('a window must have a length');
  });

  it('refuses a window that never closes, more than one time range, and parts out of order', () => {
    expect(errorOf('daily 00:00-24:00 UTC')).toContain('is always open');
    expect(errorOf('Sat 02:00-06:00 Sun 03:00-04:00 UTC')).toContain('more than one time range');
    expect(errorOf('Europe/Paris Sat 02:00-06:00')).toContain('put the time zone last');
    expect(errorOf('02:00-06:00 Sat Europe/Paris')).toContain('say the days first');
  });
});

describe('when a wave may run in its window', () => {
  const saturdayParis = parseReleaseWindow('Sat 02:00–06:00 Europe/Paris');

  it('is closed on Friday night and opens at 02:00 Paris time (01:00 UTC in winter)', () => {
    expect(windowAt(saturdayParis, at('2026-11-27T23:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-11-28T01:00:00Z'),
    });
  });

  it('is open at 04:00 Paris time and closes at 06:00 (05:00 UTC)', () => {
    expect(windowAt(saturdayParis, at('2026-11-28T03:00:00Z'))).toEqual({
      open: true,
      closesAt: at('2026-11-28T05:00:00Z'),
    });
  });

  it('opens on the minute: 02:00:30 is inside, 01:59:59.999 is not, 06:00 is closed until next week', () => {
    expect(closesAt(windowAt(saturdayParis, at('2026-11-28T01:00:30Z')))).toBe(
      '2026-11-28T05:00:00.000Z'
    );
    expect(opensAt(windowAt(saturdayParis, at('2026-11-28T00:59:59.999Z')))).toBe(
      '2026-11-28T01:00:00.000Z'
    );
    expect(opensAt(windowAt(saturdayParis, at('2026-11-28T05:00:00Z')))).toBe(
      '2026-12-05T01:00:00.000Z'
    );
  });

  it('runs a window crossing midnight into the next morning, from the listed days only', () => {
    const nights = parseReleaseWindow('Mon–Fri 22:00–02:00 UTC');
    // Friday's window runs into Saturday morning.
    expect(closesAt(windowAt(nights, at('2026-11-28T01:00:00Z')))).toBe('2026-11-28T02:00:00.000Z');
    // Nothing opened on Sunday evening, so Monday 01:00 is closed until Monday 22:00.
    expect(opensAt(windowAt(nights, at('2026-11-30T01:00:00Z')))).toBe('2026-11-30T22:00:00.000Z');
  });

  it('keeps local hours across the spring change: Paris 04:00 summer time is 02:00 UTC', () => {
    const sunday = parseReleaseWindow('Sun 01:00–04:00 Europe/Paris');
    expect(opensAt(windowAt(sunday, at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T00:00:00.000Z');
    expect(closesAt(windowAt(sunday, at('2026-03-29T00:30:00Z')))).toBe('2026-03-29T02:00:00.000Z');
  });

  it('opens at the first moment after a skipped hour, and not at all if the window lies in it', () => {
    const halfPastTwo = parseReleaseWindow('Sun 02:30–04:00 America/New_York');
    // 02:00 EST jumps to 03:00 EDT (07:00 UTC) on 8 March 2026.
    expect(windowAt(halfPastTwo, at('2026-03-08T06:30:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-03-08T07:00:00Z'),
    });
    const skippedHour = parseReleaseWindow('Sun 02:00–03:00 America/New_York');
    expect(opensAt(windowAt(skippedHour, at('2026-03-08T06:30:00Z')))).toBe(
      '2026-03-15T06:00:00.000Z'
    );
  });

  it('follows New York time in both seasons', () => {
    const evenings = parseReleaseWindow('Mon-Fri 20:00-23:00 America/New_York');
    expect(opensAt(windowAt(evenings, at('2026-07-06T12:00:00Z')))).toBe(
      '2026-07-07T00:00:00.000Z'
    );
    expect(opensAt(windowAt(evenings, at('2026-12-07T12:00:00Z')))).toBe(
      '2026-12-08T01:00:00.000Z'
    );
  });

  it('counts the hour repeated in autumn twice, as the wall clock does', () => {
    // Paris, 25 October 2026: 03:00 summer time becomes 02:00 winter time at 01:00 UTC.
    const early = parseReleaseWindow('Sun 01:00–02:30 Europe/Paris');
    expect(closesAt(windowAt(early, at('2026-10-25T00:00:00Z')))).toBe('2026-10-25T00:30:00.000Z');
    expect(opensAt(windowAt(early, at('2026-10-25T00:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    expect(closesAt(windowAt(early, at('2026-10-25T01:00:00Z')))).toBe('2026-10-25T01:30:00.000Z');
  });

  it('agrees with the wall clock minute by minute around every clock change', () => {
    const windows = ['daily 01:30-02:30', 'daily 02:15-03:50', 'daily 03:00-02:15'];
    for (const [zone, iso] of CLOCK_CHANGES) {
      const change = Date.parse(iso);
      const from = change - 3 * HOUR;
      for (const text of windows) {
        const window = parseReleaseWindow(`${text} ${zone}`);
        // The wall clock, minute by minute for 30 hours: every daily window opens and closes in it.
        const open = Array.from({ length: 30 * 60 }, (_, i) =>
          oracleOpen(window, from + i * MINUTE)
        );
        const nextChange: number[] = [];
        for (let i = open.length - 2; i >= 0; i -= 1) {
          nextChange[i] = open[i + 1] !== open[i] ? i + 1 : nextChange[i + 1];
        }
        const wrong: string[] = [];
        for (let i = 0; i <= 6 * 60; i += 1) {
          const state = windowAt(window, new Date(from + i * MINUTE));
          const expected = new Date(from + nextChange[i] * MINUTE);
          const right = open[i]
            ? state.open && state.closesAt.getTime() === expected.getTime()
            : !state.open && state.opensAt.getTime() === expected.getTime();
          if (!right)
            wrong.push(`${new Date(from + i * MINUTE).toISOString()}: ${JSON.stringify(state)}`);
        }
        expect([text, zone, wrong]).toEqual([text, zone, []]);
      }
    }
  });

  it('is open exactly when the wall clock in its zone is inside it', () => {
    fc.assert(
      fc.property(anyWindow, anyInstant, (window, now) => {
        expect(windowAt(window, new Date(now)).open).toBe(oracleOpen(window, now));
      }),
      { numRuns: 200 }
    );
  });

  it('stays open until it says it closes, and is closed then', () => {
    fc.assert(
      fc.property(anyWindow, anyInstant, fractions, (window, now, between) => {
        const state = windowAt(window, new Date(now));
        fc.pre(state.open);
        const closes = state.open ? state.closesAt.getTime() : NaN;
        expect(closes).toBeGreaterThan(now);
        expect(closes - now).toBeLessThanOrEqual(7 * DAY);
        const inside = [now, Math.max(now, closes - MINUTE), closes - 1];
        inside.push(
          ...between.map((f) => Math.min(closes - 1, now + Math.floor(f * (closes - now))))
        );
        for (const instant of inside)
          expect([instant, oracleOpen(window, instant)]).toEqual([instant, true]);
        expect(oracleOpen(window, closes)).toBe(false);
      }),
      { numRuns: 200 }
    );
  });

  it('stays closed until it says it opens, opens then, and within eight days', () => {
    fc.assert(
      fc.property(anyWindow, anyInstant, fractions, (window, now, between) => {
        const state = windowAt(window, new Date(now));
        fc.pre(!state.open);
        const opens = state.open ? NaN : state.opensAt.getTime();
        expect(opens).toBeGreaterThan(now);
        // A window lying wholly in an hour skipped in spring opens a week later than usual.
        const skipped = utcOffset(window.timeZone, now) !== utcOffset(window.timeZone, opens);
        expect(opens - now).toBeLessThanOrEqual((skipped ? 15 : 8) * DAY);
        const before = [now, Math.max(now, opens - MINUTE), opens - 1];
        before.push(
          ...between.map((f) => Math.min(opens - 1, now + Math.floor(f * (opens - now))))
        );
        for (const instant of before)
          expect([instant, oracleOpen(window, instant)]).toEqual([instant, false]);
        expect(oracleOpen(window, opens)).toBe(true);
      }),
      { numRuns: 200 }
    );
  });
});

describe('saying when, for the people in the window’s zone', () => {
  it('gives the local time and the zone, with UTC beside it', () => {
    expect(describeMoment(at('2026-11-28T01:00:00Z'), 'Europe/Paris')).toBe(
      'Sat 28 Nov 02:00 Europe/Paris (01:00 UTC)'
    );
    expect(describeMoment(at('2026-07-04T01:00:00Z'), 'Europe/Paris')).toBe(
      'Sat 4 Jul 03:00 Europe/Paris (01:00 UTC)'
    );
    expect(describeMoment(at('2026-11-28T01:00:00Z'), 'Asia/Kolkata')).toBe(
      'Sat 28 Nov 06:30 Asia/Kolkata (01:00 UTC)'
    );
  });

  it('says UTC once for a UTC window', () => {
    expect(describeMoment(at('2026-11-28T01:00:00Z'), 'UTC')).toBe('Sat 28 Nov 01:00 UTC');
  });

  it('gives the UTC day too when it is not the local one', () => {
    expect(describeMoment(at('2026-11-27T23:30:00Z'), 'Europe/Paris')).toBe(
      'Sat 28 Nov 00:30 Europe/Paris (Fri 27 Nov 23:30 UTC)'
    );
    expect(describeMoment(at('2026-11-28T04:00:00Z'), 'America/New_York')).toBe(
      'Fri 27 Nov 23:00 America/New_York (Sat 28 Nov 04:00 UTC)'
    );
  });
});
