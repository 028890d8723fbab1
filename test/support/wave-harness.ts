import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';
import { DEVELOPMENT_TOKEN } from '../../src/simulator/development-token';
import { createGraphClient } from '../../src/graph/graph-client';
import { SoleInstanceLease } from '../../src/engine/ports/runner-lease';
import type { WriteFence } from '../../src/engine/ports/write-fence';
import type { WritePacer } from '../../src/graph/write-pacer';
import { GraphDirectoryWriter } from '../../src/graph/graph-directory-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import type { Wave, WaveSizes } from '../../src/domain/waves';
import { splitCandidatesIntoWaves } from '../../src/domain/wave-candidates';
import type { Journal } from '../../src/engine/ports/journal';
import type { RemovalContext } from '../../src/domain/removal-safety';

/**
 * The Graph adapters over a simulator, and waves planned from what verify says may go; writes fenced by
 * `fence` (a lease always held unless given) and paced by `pacer` (a fresh one unless given).
 */
export async function planWavesOn(
  baseUrl: string,
  sizes: WaveSizes,
  options: {
    fence?: WriteFence;
    pacer?: WritePacer;
    retrySleep?: (ms: number) => Promise<void>;
  } = {}
) {
  const fence = options.fence ?? new SoleInstanceLease();
  const client = createGraphClient(
    {
      baseUrl,
      credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
      trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
    },
    fence,
    { retrySleep: options.retrySleep }
  );
  const reader = new GraphTenantReader(client);
  const writer = new GraphDirectoryWriter(client, baseUrl, options.pacer, fence);
  const skus = new Map((await reader.subscribedSkus()).map((s) => [s.skuId, s]));
  const context: RemovalContext = { skus, groupNames: await reader.licensingGroupNames() };
  const verified = await verifyDirectRemovals(reader);
  return {
    reader,
    writer,
    context,
    waves: splitCandidatesIntoWaves(verified.candidates, sizes),
    verified,
  };
}

/** Records an approval of exactly this wave, as the Teams approval flow will. */
export async function approve(
  journal: Journal,
  wave: Wave,
  by = 'approver@contoso.example'
): Promise<void> {
  await journal.append({
    kind: 'wave-decision',
    id: `approval-${wave.digest}`,
    at: new Date().toISOString(),
    waveNumber: wave.number,
    waveDigest: wave.digest,
    decision: 'approved',
    by,
  });
}
