import { ManagedIdentityCredential } from '@azure/identity';
import {
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { StorageSettings } from '../config';

/** The container that holds every piece of the bot's state, by connection string or managed identity. */
export function openContainer(settings: StorageSettings): ContainerClient {
  return openService(settings).getContainerClient(settings.container);
}

/** The storage account's blob service, by connection string or managed identity. */
export function openService(settings: StorageSettings): BlobServiceClient {
  return settings.kind === 'connection-string'
    ? BlobServiceClient.fromConnectionString(settings.connectionString, STORAGE_PIPELINE)
    : new BlobServiceClient(
        settings.accountUrl,
        new ManagedIdentityCredential(settings.clientId ? { clientId: settings.clientId } : {}),
        STORAGE_PIPELINE
      );
}

/**
 * Retries for a blip, not for minutes: the SDK's default waits up to two minutes per call, which would
 * hold a person's command or a wave step that long; the runner retries on its own schedule instead.
 */
export const STORAGE_PIPELINE: StoragePipelineOptions = {
  retryOptions: {
    maxTries: 3,
    retryDelayInMs: 200,
    maxRetryDelayInMs: 2_000,
    tryTimeoutInMs: 15_000,
  },
};

/** Azure Storage's answer to a failed condition, a taken lease or a missing blob, by status code. */
export const statusOf = (error: unknown): number | undefined =>
  (error as { statusCode?: number }).statusCode;
