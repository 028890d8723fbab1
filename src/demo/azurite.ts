import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The Azurite blob emulator (npm package `azurite`), in this process but on a worker thread: the bot's
 * restify patches Node's http prototypes process-wide, which makes Azurite's own HTTP server answer 400
 * to everything; a worker thread has its own copy of Node's modules. Data lives under `location`
 * (git-ignored `.data/` for the demo), or in memory.
 */

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The compiled worker: beside this file in lib/, or in lib/ when tests run this file from src/. */
function workerFile(): string {
  const beside = join(__dirname, 'azurite-worker.js');
  return existsSync(beside)
    ? beside
    : join(__dirname, '..', '..', 'lib', 'demo', 'azurite-worker.js');
}

export interface RunningAzurite {
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  readonly location?: string;
  readonly port?: number;
  /**
   * False: Azurite never collects its unreferenced extents. Its mark-and-sweep runs every 10 minutes
   * on its one thread and blocks every request meanwhile, for a time that grows with the blocks stored
   * (16 s after a journal of 20,000 removals): a pause Azure Blob Storage does not have, which a long
   * benchmark would count against the bot. The memory it would reclaim is the benchmark's, for one run.
   */
  readonly collectGarbage?: boolean;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  if (options.location) mkdirSync(options.location, { recursive: true });
  const worker = new Worker(workerFile(), { workerData: options });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port
        ? resolve(message.port)
        : reject(new Error(`Azurite did not start: ${message.error}`))
    );
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`Azurite's worker exited (${code}) before starting.`))
    );
  });
  return {
    port,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    stop: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}
