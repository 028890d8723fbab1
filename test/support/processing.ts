import type { TenantSimulator } from '../../src/simulator/simulator-server';

/** Waits until the simulator has no group queued or in processing; fails after `timeoutMs`. */
export async function processingSettled(
  simulator: TenantSimulator,
  timeoutMs = 10_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (simulator.processor.busy) {
    if (Date.now() > deadline) throw new Error('Group license processing did not finish in time.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
