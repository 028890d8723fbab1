import { BlobServiceClient } from '@azure/storage-blob';
import type { RunningAzurite } from '../../src/demo/azurite';
import type { BlobReportStore } from '../../src/storage/report-blobs';
import { CONTAINER } from '../support/durable-setup';
import { reportStorage } from '../support/report-storage';

/**
 * `report` is written into its blob as the tenant is read: a report of any size arrives whole, and one
 * whose read fails leaves no blob behind.
 */
describe('a report stored as it is written', () => {
  let azurite: RunningAzurite;
  let reports: BlobReportStore;
  const now = new Date();

  beforeAll(async () => {
    ({ azurite, reports } = await reportStorage());
  });
  afterAll(async () => {
    await azurite.stop();
  });

  const reportBlobs = async () => {
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString
    ).getContainerClient(CONTAINER);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'reports/' })) names.push(blob.name);
    return names;
  };

  it('arrives whole when it spans several upload blocks', async () => {
    const line = (i: number) => `${i},user${i}@contoso.example,kept – for a reason\n`;
    const { url } = await reports.publish(async (write) => {
      for (let i = 0; i < 250_000; i++) write(line(i));
    }, now);

    const text = await (await fetch(url)).text();
    const lines = text.split('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(8 * 1024 * 1024);
    expect(lines).toHaveLength(250_001);
    expect(lines[249_999]).toBe(line(249_999).trim());
  });

  it('leaves no blob when the tenant read fails halfway, and says why', async () => {
    const before = await reportBlobs();

    await expect(
      reports.publish(async (write) => {
        write('id,userPrincipalName\n');
        throw new Error('Graph answered 503 on page 7');
      }, now)
    ).rejects.toThrow('Graph answered 503 on page 7');
    expect(await reportBlobs()).toEqual(before);
  });
});
