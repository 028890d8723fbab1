import type { Storage } from 'botbuilder';
import { isETagConflict } from './storage-migration-store';

/**
 * One document in botbuilder storage (Azure Blob Storage in production, memory in tests). A change is
 * written only on the ETag it was read with, so two writers at once never lose each other's change.
 */
export class StoredDocument<T extends object> {
  constructor(
    private readonly storage: Storage,
    private readonly key: string
  ) {}

  async read(): Promise<T | null> {
    return (await this.readVersion()).value;
  }

  /** Writes it whatever is stored now (the last writer wins). */
  async replace(value: T): Promise<void> {
    await this.storage.write({ [this.key]: { ...value } });
  }

  /**
   * Reads, edits and writes on the version read; when another writer came first, reads and edits again,
   * up to `attempts` times. An edit that returns null leaves the document as it is. False when every
   * attempt lost to another writer.
   */
  async change(edit: (current: T | null) => T | null, attempts: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const { value, eTag } = await this.readVersion();
      const next = edit(value);
      if (next === null) return true;
      try {
        await this.storage.write({ [this.key]: { ...next, ...(eTag ? { eTag } : {}) } });
        return true;
      } catch (error) {
        if (!isETagConflict(error)) throw error;
        if (attempt >= attempts) return false;
      }
    }
  }

  private async readVersion(): Promise<{ value: T | null; eTag?: string }> {
    const stored = (await this.storage.read([this.key]))[this.key] as
      (T & { eTag?: string }) | undefined;
    if (!stored) return { value: null };
    const { eTag, ...value } = stored;
    return { value: value as unknown as T, ...(eTag ? { eTag } : {}) };
  }
}
