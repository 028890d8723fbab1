import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../src/graph/graph-client';
import { SoleInstanceLease } from '../../src/engine/ports/runner-lease';
import type { WriteFence } from '../../src/engine/ports/write-fence';
import { DEVELOPMENT_TOKEN } from '../../src/simulator/development-token';
import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';

/** The bot's own Graph client (the SDK, its middleware, the write fence) on a tenant simulator's URL. */
export function simulatorGraphClient(
  baseUrl: string,
  fence: WriteFence = new SoleInstanceLease()
): Client {
  return createGraphClient(
    {
      baseUrl,
      credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
      trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
    },
    fence
  );
}
