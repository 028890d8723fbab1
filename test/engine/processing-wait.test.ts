import type { GroupWriter } from '../../src/engine/group-writer';
import { waitForProcessing } from '../../src/engine/wait-for-processing';

/** A group writer whose processing state and audit log the test sets, poll by poll. */
function groupsAt(
  polls: { state: string; audit: string[] | null | 'unavailable' }[],
  membersProcessed = false
): GroupWriter {
  let poll = 0;
  const current = () => polls[Math.min(poll, polls.length - 1)];
  return {
    createSecurityGroup: () => Promise.reject(new Error('not used')),
    groupsByMailNickname: () => Promise.reject(new Error('not used')),
    memberIds: () => Promise.reject(new Error('not used')),
    addMembers: () => Promise.reject(new Error('not used')),
    assignGroupLicense: () => Promise.reject(new Error('not used')),
    reprocessUser: () => Promise.reject(new Error('not used')),
    processingState: () => Promise.resolve(current().state),
    processingFinishedSince: () => {
      const audit = current().audit;
      poll += 1;
      return Promise.resolve(audit === null || audit === 'unavailable' ? audit : new Set(audit));
    },
    membersProcessed: () => Promise.resolve(membersProcessed),
  };
}

const since = new Date('2026-11-24T10:00:00Z');

describe('waiting for group license processing', () => {
  it('keeps waiting after the state says complete until the audit log records the finish', async () => {
    const writer = groupsAt([
      { state: 'ProcessingComplete', audit: [] },
      { state: 'ProcessingComplete', audit: [] },
      { state: 'ProcessingComplete', audit: ['g1'] },
    ]);
    const wait = await waitForProcessing(['g1'], writer, {
      pollMs: 1,
      auditEveryMs: 0,
      assignedSince: since,
      assigned: ['g1'],
    });
    expect(wait).toEqual({
      complete: true,
      pending: [],
      waitingFor: {},
      auditConfirmed: true,
      confirmedBy: 'audit',
    });
  });

  it('tells the channel only as processing moves forward, not what a replica behind says', async () => {
    // Poll by poll: in progress, complete, then a lagging replica's earlier state, then complete.
    const answers = ['ProcessingInProgress', 'ProcessingComplete', 'ProcessingInProgress'];
    const writer: GroupWriter = {
      ...groupsAt([{ state: 'ProcessingComplete', audit: [] }]),
      processingState: () => Promise.resolve(answers.shift() ?? 'ProcessingComplete'),
      processingFinishedSince: () => Promise.resolve(new Set(answers.length === 0 ? ['g1'] : [])),
    };
    const told: (string | null)[] = [];
    await waitForProcessing(['g1'], writer, {
      pollMs: 1,
      auditEveryMs: 0,
      assignedSince: since,
      assigned: ['g1'],
      onChange: (_group, state) => Promise.resolve(void told.push(state)),
    });
    expect(told).toEqual(['ProcessingInProgress', 'ProcessingComplete']);
  });

  it('reports the groups still pending at the deadline', async () => {
    const writer = groupsAt([{ state: 'ProcessingInProgress', audit: [] }]);
    const wait = await waitForProcessing(['g1'], writer, {
      pollMs: 1,
      timeoutMs: 20,
      assignedSince: since,
      assigned: ['g1'],
    });
    expect(wait).toMatchObject({ complete: false, pending: ['g1'] });
  });

  it('asks less and less often while nothing moves, and at the first pace again once a state moves forward', async () => {
    const answers = ['QueuedForProcessing', 'QueuedForProcessing', 'QueuedForProcessing'];
    answers.push('QueuedForProcessing', 'ProcessingInProgress', 'ProcessingInProgress');
    const writer: GroupWriter = {
      ...groupsAt([{ state: 'ProcessingComplete', audit: [] }]),
      processingState: () => Promise.resolve(answers.shift() ?? 'ProcessingComplete'),
    };
    const pauses: number[] = [];
    const wait = await waitForProcessing(['g1'], writer, {
      pollMs: 10,
      maxPollMs: 40,
      now: () => since,
      sleep: (ms) => Promise.resolve(void pauses.push(ms)),
    });
    expect(wait.complete).toBe(true);
    expect(pauses).toEqual([10, 20, 40, 40, 10, 20]);
  });

  it('names, at the deadline, what each group still waits for: its processing, or a read past the lag', async () => {
    let clock = since.getTime();
    const writer: GroupWriter = {
      ...groupsAt([{ state: 'ProcessingComplete', audit: [] }]),
      processingState: (id) =>
        Promise.resolve(id === 'g1' ? 'ProcessingInProgress' : 'ProcessingComplete'),
    };
    const wait = await waitForProcessing(['g1', 'g2'], writer, {
      pollMs: 1_000,
      timeoutMs: 10_000,
      // The last member was added just now; replicas may lag a minute, longer than the wait.
      lastWriteAt: since.toISOString(),
      lagBoundMs: 60_000,
      now: () => new Date(clock),
      sleep: (ms) => Promise.resolve(void (clock += ms)),
    });
    expect(wait).toMatchObject({ complete: false, pending: ['g1', 'g2'] });
    expect(wait.waitingFor.g1).toBe(
      'its license processing to complete (last read: ProcessingInProgress)'
    );
    expect(wait.waitingFor.g2).toMatch(/^a read of its processing state made after every replica/);
    // Bounded: polls stop at the deadline, however the pauses grew.
    expect(clock - since.getTime()).toBeLessThanOrEqual(10_001 + 6_000);
  });

  it("relies on the members' license states when the audit log cannot be read, and says so", async () => {
    const writer = groupsAt([{ state: 'ProcessingComplete', audit: null }], true);
    const wait = await waitForProcessing(['g1'], writer, {
      pollMs: 1,
      auditEveryMs: 0,
      assignedSince: since,
      assigned: ['g1'],
    });
    expect(wait).toEqual({
      complete: true,
      pending: [],
      waitingFor: {},
      auditConfirmed: false,
      confirmedBy: 'license states',
    });
  });

  it("goes on when the audit log is throttled or failing, and finishes on the members' license states", async () => {
    const writer = groupsAt([{ state: 'ProcessingComplete', audit: 'unavailable' }], true);
    const wait = await waitForProcessing(['g1'], writer, {
      pollMs: 1,
      auditEveryMs: 0,
      assignedSince: since,
      assigned: ['g1'],
    });
    expect(wait).toMatchObject({ complete: true, confirmedBy: 'license states' });
  });
});
