import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { AzuriteOptions } from './azurite';

/** Runs Azurite's blob server on this worker thread (see azurite.ts); answers its port, stops on 'stop'. */

// Azurite ships no type declarations; these are the parts used here (dist/src/blob in azurite 3.35).
interface AzuriteBlobServer {
  /** Its mark-and-sweep of unreferenced extents (BlobGCManager), started by `start()` when set. */
  gcManager?: object;
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}
type BlobConfigurationClass = new (...args: unknown[]) => object;

async function run(options: AzuriteOptions): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- azurite has no ES module entry for its blob server */
  const BlobConfiguration = (
    require('azurite/dist/src/blob/BlobConfiguration') as { default: BlobConfigurationClass }
  ).default;
  const BlobServer = (
    require('azurite/dist/src/blob/BlobServer') as {
      default: new (configuration: object) => AzuriteBlobServer;
    }
  ).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { location } = options;
  const configuration = new BlobConfiguration(
    '127.0.0.1',
    options.port ?? 0,
    undefined,
    location ? join(location, '__azurite_db_blob__.json') : undefined,
    location ? join(location, '__azurite_db_blob_extent__.json') : undefined,
    [
      {
        locationId: 'Default',
        locationPath: join(location ?? '.', '__blobstorage__'),
        maxConcurrency: 10,
      },
    ],
    false, // access log
    undefined,
    false, // debug log
    undefined,
    true, // loose
    true, // skipApiVersionCheck: the SDK may be newer than the emulator
    '',
    '',
    '',
    undefined,
    false,
    location === undefined // in memory
  );
  const server = new BlobServer(configuration);
  // Azurite has no setting for it: its server starts the collector it holds, if it holds one.
  if (options.collectGarbage === false) server.gcManager = undefined;
  await server.start();
  parentPort?.on('message', (message) => {
    if (message === 'stop') void server.close().then(() => process.exit(0));
  });
  parentPort?.postMessage({ port: Number(new URL(server.getHttpServerAddress()).port) });
}

run(workerData as AzuriteOptions).catch((error: unknown) =>
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) })
);
