import fc from 'fast-check';
import {
  NEW_MIGRATION,
  PHASES,
  PhaseTransitionError,
  approvePhase,
  completePhase,
  currentPhase,
  nextPhase,
  rejectPhase,
  requestPhase,
  type MigrationState,
  type Phase,
} from '../src/domain/phases';

const at = new Date('2026-11-24T10:00:00Z');

describe('the migration phases', () => {
  it('run in order, each only after an approval by someone other than who asked', () => {
    let state = requestPhase(NEW_MIGRATION, 'inventory', 'adele', at);
    expect(() => approvePhase(state, 'inventory', 'Adele', at)).toThrow(
      /cannot approve it; another approver must/
    );
    state = approvePhase(state, 'inventory', 'lee', at);
    expect(currentPhase(state)).toMatchObject({
      phase: 'inventory',
      status: 'running',
      approvedBy: 'lee',
    });
    state = completePhase(state, 'inventory');
    expect(nextPhase(state)).toBe('plan');
  });

  it.each<[string, (s: MigrationState) => MigrationState, RegExp]>([
    [
      'skipping a phase',
      (s) => requestPhase(s, 'assign', 'adele', at),
      /The next phase is inventory, not assign/,
    ],
    ['completing what never ran', (s) => completePhase(s, 'inventory'), /has not been requested/],
    [
      'approving what was not requested',
      (s) => approvePhase(s, 'inventory', 'lee', at),
      /has not been requested/,
    ],
    [
      'rejecting without a reason',
      (s) => rejectPhase(requestPhase(s, 'inventory', 'adele', at), 'inventory', 'lee', '  '),
      /Say why/,
    ],
    [
      'requesting while one is waiting',
      (s) => requestPhase(requestPhase(s, 'inventory', 'adele', at), 'inventory', 'adele', at),
      /is requested; finish or reject it first/,
    ],
  ])('refuse %s, saying why and changing nothing', (_, move, message) => {
    expect(() => move(NEW_MIGRATION)).toThrow(PhaseTransitionError);
    expect(() => move(NEW_MIGRATION)).toThrow(message);
    expect(NEW_MIGRATION.history).toEqual([]);
  });

  it('let a rejected phase be asked for again', () => {
    const rejected = rejectPhase(
      requestPhase(NEW_MIGRATION, 'inventory', 'adele', at),
      'inventory',
      'lee',
      'Not on a Friday.'
    );
    expect(nextPhase(rejected)).toBe('inventory');
    expect(currentPhase(rejected)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'Not on a Friday.',
    });
  });

  it('never start a phase without an approval, whatever is attempted in whatever order', () => {
    const move = fc.record({
      kind: fc.constantFrom('request', 'approve', 'reject', 'complete'),
      phase: fc.constantFrom(...PHASES),
      who: fc.constantFrom('adele', 'lee', 'nestor'),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 60 }), (moves) => {
        let state = NEW_MIGRATION;
        for (const m of moves) {
          try {
            const phase = m.phase as Phase;
            if (m.kind === 'request') state = requestPhase(state, phase, m.who, at);
            else if (m.kind === 'approve') state = approvePhase(state, phase, m.who, at);
            else if (m.kind === 'reject') state = rejectPhase(state, phase, m.who, 'no');
            else state = completePhase(state, phase);
          } catch (error) {
            if (!(error instanceof PhaseTransitionError)) throw error;
          }
        }
        for (const record of state.history) {
          if (record.status === 'running' || record.status === 'completed') {
            expect(record.approvedBy).toBeDefined();
            expect(record.approvedBy?.toLowerCase()).not.toBe(record.requestedBy.toLowerCase());
          }
        }
        // Phases that went ahead did so in order.
        const done = state.history
          .filter((r) => r.status !== 'rejected')
          .map((r) => PHASES.indexOf(r.phase));
        expect(done).toEqual([...done].sort((a, b) => a - b));
      })
    );
  });
});
