import { ManagedIdentityCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { StorageSettings } from '../config';

/** The container that holds every piece of the bot's state, by connection string or managed identity. */
export function openContainer(settings: StorageSettings): ContainerClient {
  const service =
    settings.kind === 'connection-string'
      ? BlobServiceClient.fromConnectionString(settings.connectionString)
      : new BlobServiceClient(
          settings.accountUrl,
          new ManagedIdentityCredential(settings.clientId ? { clientId: settings.clientId } : {})
        );
  return service.getContainerClient(settings.container);
}

/** Azure Storage's answer to a failed condition, a taken lease or a missing blob, by status code. */
export const statusOf = (error: unknown): number | undefined =>
  (error as { statusCode?: number }).statusCode;
