import { nextWork, type NextWork } from '../../src/domain/next-work';
import type { MigrationRecord } from '../../src/domain/migration-record';
import { parseReleaseWindow } from '../../src/domain/release-window';
import {
  HOUR,
  NOW,
  adele,
  approved,
  assignState,
  at,
  record,
  request,
  storedWave,
} from '../support/migration-records';

/** Which approved work the runner does next, and why none, on plain records. */

const wave = (n: number) => ({ kind: 'wave' as const, waveNumber: n, digest: `digest-${n}` });
const rollback = (n: number) => ({ kind: 'rollback' as const, waveNumber: n, digest: `d${n}` });
const restore = (n: number) => ({ kind: 'restore' as const, waveNumber: n, digest: `r${n}` });
const openWindow = parseReleaseWindow('Mon 09:00-11:00 UTC');
const closedWindow = parseReleaseWindow('Sat 02:00-06:00 UTC');
const paused = { by: adele, at: at(-1) };

const released = (
  n: number,
  status: 'approved' | 'running' = 'approved',
  window?: typeof openWindow
) => ({
  wave: storedWave(n, { status, approvalId: `w${n}` }),
  approval: approved(`w${n}`, wave(n), window ? { window } : {}),
});

const soaked = (n: number, dueInMs: number) =>
  storedWave(n, {
    status: 'completed',
    followUp: { status: 'waiting', dueAt: at(dueInMs) },
  });

/** What the decision names: its kind and the wave or request it is about. */
function named(work: NextWork): string {
  if (work.kind === 'nothing') return `nothing: ${work.why}`;
  if (work.kind === 'wave' || work.kind === 'follow-up') return `${work.kind} ${work.wave.number}`;
  if (work.kind === 'restore' || work.kind === 'rollback')
    return `${work.kind} ${work.waveNumber} (${work.request.id})`;
  return work.kind;
}

const cases: [string, MigrationRecord, string, Map<string, number>?][] = [
  ['nothing approved', record(), 'nothing: No approved work waits.'],
  [
    'a request whose time passed is expired before anything else',
    record({
      assign: assignState(),
      approvals: [request('w1', wave(1), { expiresAt: at(-1) })],
    }),
    'expire-requests',
  ],
  [
    'the running group assignment goes before a give-back and a wave',
    (() => {
      const w = released(1);
      return record({
        assign: assignState(),
        waves: [w.wave],
        approvals: [w.approval, approved('rb', rollback(1))],
      });
    })(),
    'assign',
  ],
  [
    'a restore goes before a rollback approved earlier',
    record({
      waves: [storedWave(1, { status: 'completed' }), storedWave(2, { status: 'completed' })],
      approvals: [approved('rb', rollback(1)), approved('rs', restore(2))],
    }),
    'restore 2 (rs)',
  ],
  [
    'a give-back already done is not run again',
    record({
      waves: [storedWave(1, { status: 'rolled-back' })],
      approvals: [approved('rb', rollback(1), { doneAt: at(-1) })],
    }),
    'nothing: No approved work waits.',
  ],
  [
    'a give-back waiting for its next pass holds up nothing else',
    (() => {
      const w = released(2);
      return record({
        waves: [storedWave(1, { status: 'completed' }), w.wave],
        approvals: [approved('rb', rollback(1)), w.approval],
      });
    })(),
    'wave 2',
    new Map([['rb', NOW.getTime() + 60_000]]),
  ],
  [
    'a give-back whose pass is due runs',
    record({
      waves: [storedWave(1, { status: 'completed' })],
      approvals: [approved('rb', rollback(1))],
    }),
    'rollback 1 (rb)',
    new Map([['rb', NOW.getTime()]]),
  ],
  [
    'a wave being rolled back removes nothing more, even between passes',
    (() => {
      const w = released(1, 'running');
      return record({ waves: [w.wave], approvals: [w.approval, approved('rb', rollback(1))] });
    })(),
    `nothing: A give-back waits for the next pass, at ${at(60_000).slice(0, 16).replace('T', ' ')} UTC.`,
    new Map([['rb', NOW.getTime() + 60_000]]),
  ],
  [
    'an approved wave in its open window runs',
    (() => {
      const w = released(1, 'approved', openWindow);
      return record({ waves: [w.wave], approvals: [w.approval] });
    })(),
    'wave 1',
  ],
  [
    'an approved wave waits for its window',
    (() => {
      const w = released(1, 'approved', closedWindow);
      return record({ waves: [w.wave], approvals: [w.approval] });
    })(),
    `nothing: Wave 1 waits for its window ${closedWindow.text}.`,
  ],
  [
    'a wave left running when its window closed goes in to settle what was in flight',
    (() => {
      const w = released(1, 'running', closedWindow);
      return record({ waves: [w.wave], approvals: [w.approval] });
    })(),
    'wave 1',
  ],
  [
    'pause holds a released wave and give-backs',
    (() => {
      const w = released(2);
      return record({
        paused,
        waves: [storedWave(1, { status: 'completed' }), w.wave],
        approvals: [approved('rb', rollback(1)), w.approval],
      });
    })(),
    'nothing: Paused by Adele Vance: approved work waits for `resume`.',
  ],
  [
    'a due follow-up runs even while paused',
    record({ paused, waves: [soaked(1, -1)] }),
    'follow-up 1',
  ],
  [
    'a released wave goes before a due follow-up',
    (() => {
      const w = released(2);
      return record({ waves: [soaked(1, -1), w.wave], approvals: [w.approval] });
    })(),
    'wave 2',
  ],
  [
    'a follow-up not yet due waits, and says until when',
    record({ waves: [soaked(1, HOUR)] }),
    `nothing: Wave 1's follow-up is due at ${at(HOUR).slice(0, 16).replace('T', ' ')} UTC.`,
  ],
];

describe('what the runner does next', () => {
  // One argument: a callback of four would be taken for one that calls `done`.
  it.each(cases)('%s', (...[, given, expected, passDueAt]) => {
    expect(named(nextWork(given, NOW, passDueAt))).toBe(expected);
  });

  it('names the work in words and the approval to journal before it', () => {
    const w = released(3);
    const work = nextWork(record({ waves: [w.wave], approvals: [w.approval] }), NOW);
    expect(work).toMatchObject({ kind: 'wave', label: 'wave 3', approvalId: 'w3' });
    const rb = nextWork(
      record({ waves: [storedWave(1)], approvals: [approved('rb', rollback(1))] }),
      NOW
    );
    expect(rb).toMatchObject({ label: 'the rollback of wave 1', approvalId: 'rb' });
  });
});
