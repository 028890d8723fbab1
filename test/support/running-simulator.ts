import { TenantSimulator, type SimulatorOptions } from '../../src/simulator/simulator-server';
import { graphCall, type GraphAnswer } from './graph-http';

/** A tenant simulator a describe block runs, and Graph requests to it with the development token. */
export interface RunningSimulator {
  readonly simulator: TenantSimulator;
  /** The simulator's https://127.0.0.1:port address. */
  readonly base: string;
  call(method: string, path: string, body?: unknown): Promise<GraphAnswer>;
}

/**
 * Starts a simulator with these options before each test (or once, before all of them) and stops it
 * after: the set-up every simulator test repeats. Read `simulator` and `base` inside tests only.
 */
export function runningSimulator(
  options: () => SimulatorOptions,
  lifetime: 'each test' | 'all tests' = 'each test'
): RunningSimulator {
  let simulator: TenantSimulator | null = null;
  let base: string | null = null;
  const started = () => {
    if (!simulator || base === null) throw new Error('The simulator runs only inside a test.');
    return { simulator, base };
  };
  const start = async () => {
    simulator = new TenantSimulator(options());
    base = await simulator.start();
  };
  const stop = async () => {
    await simulator?.stop();
    simulator = null;
    base = null;
  };
  if (lifetime === 'each test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return {
    get simulator() {
      return started().simulator;
    },
    get base() {
      return started().base;
    },
    call: (method, path, body) => graphCall(started().base, method, path, body),
  };
}

/** A simulator one test started, and its address. */
export interface StartedSimulator {
  readonly simulator: TenantSimulator;
  readonly base: string;
}

/**
 * For tests that each need simulators of their own options: `start(options)` inside a test starts one, and
 * every simulator started so is stopped after that test, whatever it did.
 */
export function simulatorsPerTest(): {
  start(options: SimulatorOptions): Promise<StartedSimulator>;
} {
  const started: TenantSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((simulator) => simulator.stop()));
  });
  return {
    async start(options) {
      const simulator = new TenantSimulator(options);
      started.push(simulator);
      return { simulator, base: await simulator.start() };
    },
  };
}
