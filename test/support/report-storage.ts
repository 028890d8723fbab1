import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../src/demo/azurite';
import { BlobReportStore } from '../../src/storage/report-blobs';
import { CONTAINER } from './durable-setup';

/** Azurite on loopback, and the bot's report store in it (signed with the account key, as a connection string is). */
export async function reportStorage(): Promise<{
  azurite: RunningAzurite;
  reports: BlobReportStore;
}> {
  const azurite = await startAzurite();
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  return {
    azurite,
    reports: new BlobReportStore(service, service.getContainerClient(CONTAINER), 'account-key'),
  };
}
