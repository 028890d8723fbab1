import type { Storage, StoreItems } from 'botbuilder';
import { isETagConflict } from './storage-migration-store';

/**
 * botbuilder's storage, made again after a failure. BlobsStorage creates its container once and keeps
 * that promise, so one failed start (storage unreachable) would fail every later call; a fresh instance
 * after a failure lets the bot recover when storage is back. ETag conflicts are answers, not failures.
 */
export class RecoveringStorage implements Storage {
  private current: Storage | null = null;

  constructor(private readonly create: () => Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.attempt((storage) => storage.read(keys));
  }

  write(changes: StoreItems): Promise<void> {
    return this.attempt((storage) => storage.write(changes));
  }

  delete(keys: string[]): Promise<void> {
    return this.attempt((storage) => storage.delete(keys));
  }

  private async attempt<T>(call: (storage: Storage) => Promise<T>): Promise<T> {
    const storage = (this.current ??= this.create());
    try {
      return await call(storage);
    } catch (error) {
      if (!isETagConflict(error) && this.current === storage) this.current = null;
      throw error;
    }
  }
}
