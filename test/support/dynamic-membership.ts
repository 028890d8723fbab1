import type { TenantSimulator } from '../../src/simulator/simulator-server';

/**
 * Waits until every pending dynamic membership change and the license processing it queued are done;
 * fails after `timeoutMs` (real time; the simulator's clock runs faster).
 */
export async function dynamicMembershipSettled(
  simulator: TenantSimulator,
  timeoutMs = 10_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (simulator.dynamicMembership.busy || simulator.processor.busy) {
    if (Date.now() > deadline) throw new Error('Dynamic membership did not settle in time.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
