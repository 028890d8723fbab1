import type { Storage } from 'botbuilder';

const PROBE_KEY = 'doctor/storage-probe';

/** `doctor`'s storage check: a small document written, read back and deleted. Throws what failed. */
export async function probeStorage(storage: Storage, now: () => Date): Promise<void> {
  const written = now().toISOString();
  await storage.write({ [PROBE_KEY]: { written } });
  const read = (await storage.read([PROBE_KEY]))[PROBE_KEY] as { written?: string } | undefined;
  if (read?.written !== written) throw new Error('the test document written was not read back');
  await storage.delete([PROBE_KEY]);
}
