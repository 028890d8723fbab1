/**
 * The migration as a state machine: phases in order, each started only after an approval, each resumable
 * (a phase that was running when the process stopped is running still). Pure: states in, states out.
 */

export const PHASES = ['inventory', 'plan', 'assign', 'verify', 'errors', 'waves', 'done'] as const;
export type Phase = (typeof PHASES)[number];

export type PhaseStatus = 'requested' | 'running' | 'completed' | 'rejected';

export interface PhaseRecord {
  readonly phase: Phase;
  readonly status: PhaseStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly approvedBy?: string;
  readonly approvedAt?: string;
  readonly rejectedReason?: string;
}

export interface MigrationState {
  /** Every phase request so far, in order; the last one is the current phase. */
  readonly history: readonly PhaseRecord[];
}

/** A transition that is not allowed; the message says why and what to do. */
export class PhaseTransitionError extends Error {}

export const NEW_MIGRATION: MigrationState = { history: [] };

export function currentPhase(state: MigrationState): PhaseRecord | null {
  return state.history[state.history.length - 1] ?? null;
}

/** The phase that may be requested next: the first one, then each after a completed one. */
export function nextPhase(state: MigrationState): Phase | null {
  const current = currentPhase(state);
  if (!current) return PHASES[0];
  if (current.status === 'rejected') return current.phase;
  if (current.status !== 'completed') return null;
  const index = PHASES.indexOf(current.phase);
  return index + 1 < PHASES.length ? PHASES[index + 1] : null;
}

export function requestPhase(
  state: MigrationState,
  phase: Phase,
  by: string,
  at: Date
): MigrationState {
  const current = currentPhase(state);
  if (current && (current.status === 'requested' || current.status === 'running')) {
    throw new PhaseTransitionError(
      `The ${current.phase} phase is ${current.status}; finish or reject it first.`
    );
  }
  const allowed = nextPhase(state);
  if (phase !== allowed) {
    throw new PhaseTransitionError(
      allowed
        ? `The next phase is ${allowed}, not ${phase}.`
        : 'The migration is done; nothing more to start.'
    );
  }
  return {
    history: [
      ...state.history,
      { phase, status: 'requested', requestedBy: by, requestedAt: at.toISOString() },
    ],
  };
}

/** Starts the requested phase. The approver must be someone other than the person who asked for it. */
export function approvePhase(
  state: MigrationState,
  phase: Phase,
  approver: string,
  at: Date
): MigrationState {
  const current = requireCurrent(state, phase, 'requested');
  if (approver.toLowerCase() === current.requestedBy.toLowerCase()) {
    throw new PhaseTransitionError(
      `${approver} asked for the ${phase} phase and cannot approve it; another approver must.`
    );
  }
  return replaceCurrent(state, {
    ...current,
    status: 'running',
    approvedBy: approver,
    approvedAt: at.toISOString(),
  });
}

export function rejectPhase(
  state: MigrationState,
  phase: Phase,
  by: string,
  reason: string
): MigrationState {
  const current = requireCurrent(state, phase, 'requested');
  if (reason.trim() === '') throw new PhaseTransitionError('Say why the phase is rejected.');
  return replaceCurrent(state, {
    ...current,
    status: 'rejected',
    approvedBy: by,
    rejectedReason: reason.trim(),
  });
}

export function completePhase(state: MigrationState, phase: Phase): MigrationState {
  const current = requireCurrent(state, phase, 'running');
  return replaceCurrent(state, { ...current, status: 'completed' });
}

function requireCurrent(state: MigrationState, phase: Phase, status: PhaseStatus): PhaseRecord {
  const current = currentPhase(state);
  if (!current || current.phase !== phase) {
    throw new PhaseTransitionError(
      `The ${phase} phase has not been requested${current ? `; the current phase is ${current.phase}` : ''}.`
    );
  }
  if (current.status !== status) {
    throw new PhaseTransitionError(`The ${phase} phase is ${current.status}, not ${status}.`);
  }
  return current;
}

function replaceCurrent(state: MigrationState, record: PhaseRecord): MigrationState {
  return { history: [...state.history.slice(0, -1), record] };
}
