import { randomBytes } from 'node:crypto';
import {
  BlobSASPermissions,
  SASProtocol,
  type BlobServiceClient,
  type BlockBlobClient,
  type ContainerClient,
} from '@azure/storage-blob';
import { PassThrough } from 'node:stream';
import type { CsvWriter, ReportStore } from '../engine/ports/report-store';

/** How long a report link works: long enough to click, short enough that a forwarded link is dead. */
export const REPORT_LIFETIME_MS = 15 * 60_000;
/** Signed from a little before now, so a client whose clock runs behind the storage's is not refused. */
const CLOCK_SKEW_MS = 5 * 60_000;
const PREFIX = 'reports/';

export type { ReportStore } from '../engine/ports/report-store';

/**
 * Reports as blobs in the bot's own container, each link signed for that one blob, read-only, for
 * REPORT_LIFETIME_MS: with the account key (a connection string, Azurite) or, with the managed identity,
 * a user-delegation key. Any instance can make one and any browser open it; reports older than the
 * lifetime are deleted when the next is made.
 */
export class BlobReportStore implements ReportStore {
  constructor(
    private readonly service: BlobServiceClient,
    private readonly container: ContainerClient,
    private readonly signing: 'account-key' | 'user-delegation'
  ) {}

  async publish(writeCsv: CsvWriter, now: Date): Promise<{ url: string; expiresAt: Date }> {
    await this.container.createIfNotExists();
    await this.deleteExpired(now);
    const blob = this.container.getBlockBlobClient(
      `${PREFIX}${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(16).toString('hex')}.csv`
    );
    await uploadAsWritten(blob, writeCsv);
    const startsOn = new Date(now.getTime() - CLOCK_SKEW_MS);
    const expiresAt = new Date(now.getTime() + REPORT_LIFETIME_MS);
    const options = {
      permissions: BlobSASPermissions.parse('r'),
      startsOn,
      expiresOn: expiresAt,
      // https only, except an emulator on this machine (Azurite speaks http).
      protocol: isLoopbackHttp(blob.url) ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
    };
    const url =
      this.signing === 'account-key'
        ? await blob.generateSasUrl(options)
        : await blob.generateUserDelegationSasUrl(
            options,
            await this.service.getUserDelegationKey(startsOn, expiresAt)
          );
    return { url, expiresAt };
  }

  private async deleteExpired(now: Date): Promise<void> {
    const before = now.getTime() - REPORT_LIFETIME_MS - CLOCK_SKEW_MS;
    for await (const blob of this.container.listBlobsFlat({ prefix: PREFIX })) {
      const created = blob.properties.createdOn?.getTime() ?? Number.POSITIVE_INFINITY;
      if (created < before) await this.container.deleteBlob(blob.name).catch(() => undefined);
    }
  }
}

/** Blocks of the upload, the most of them filled at once. */
const BLOCK_BYTES = 4 * 1024 * 1024;
const BLOCKS_IN_FLIGHT = 2;

/**
 * Uploads the CSV in blocks while it is written, so the report is never held whole. The writing does not
 * wait for the upload (a page of users is decided at once): what waits is what the blob has not taken yet,
 * a page or so, as storage takes a block far faster than Graph gives a page. The blob exists only once
 * every block is committed: a report whose read fails leaves none. A failed upload stops the writing.
 */
async function uploadAsWritten(blob: BlockBlobClient, writeCsv: CsvWriter): Promise<void> {
  const body = new PassThrough({ highWaterMark: BLOCK_BYTES });
  let uploadError: unknown = null;
  const upload = blob
    .uploadStream(body, BLOCK_BYTES, BLOCKS_IN_FLIGHT, {
      blobHTTPHeaders: {
        blobContentType: 'text/csv; charset=utf-8',
        blobContentDisposition: 'attachment; filename="license-migration-report.csv"',
      },
    })
    .catch((error: unknown) => {
      uploadError = error;
    });
  try {
    await writeCsv((text) => {
      if (uploadError) throw uploadError;
      body.write(text, 'utf8');
    });
  } catch (error) {
    body.destroy(error instanceof Error ? error : new Error(String(error)));
    await upload;
    throw error;
  }
  body.end();
  await upload;
  if (uploadError) throw uploadError;
}

function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}
