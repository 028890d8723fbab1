import type { Storage } from 'botbuilder';
import type { Journal, JournalEntry } from '../domain/journal';
import { isETagConflict } from './storage-migration-store';

const HEAD = 'journal/head';
const page = (n: number) => `journal/page-${n}`;
/** Entries per stored page: small writes, and full pages never change again (so they are cached). */
const PAGE_SIZE = 200;
const ATTEMPTS = 8;

interface Head {
  pages: number;
  eTag?: string;
}
interface Page {
  entries: JournalEntry[];
  eTag?: string;
}

/**
 * The journal in botbuilder storage, append-only in pages. An append writes the last page with the ETag
 * it read (so two writers never lose each other's entries) and only then returns: an entry that was
 * appended is durable. Our own because botbuilder storage has no append or list operation.
 */
export class StorageJournal implements Journal {
  private readonly fullPages = new Map<number, JournalEntry[]>();

  constructor(private readonly storage: Storage) {}

  async append(entry: JournalEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.tryAppend(entry);
        return;
      } catch (error) {
        if (!isETagConflict(error) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  async entries(): Promise<readonly JournalEntry[]> {
    const head = await this.head();
    const missing = Array.from({ length: head.pages }, (_, n) => n).filter(
      (n) => !this.fullPages.has(n)
    );
    const read = missing.length > 0 ? await this.storage.read(missing.map(page)) : {};
    const all: JournalEntry[] = [];
    for (let n = 0; n < head.pages; n++) {
      const entries = this.fullPages.get(n) ?? (read[page(n)] as Page | undefined)?.entries ?? [];
      if (entries.length >= PAGE_SIZE) this.fullPages.set(n, entries);
      all.push(...entries);
    }
    return all;
  }

  private async tryAppend(entry: JournalEntry): Promise<void> {
    const head = await this.head();
    const last = head.pages - 1;
    const current =
      last >= 0
        ? ((await this.storage.read([page(last)]))[page(last)] as Page | undefined)
        : undefined;
    if (current && current.entries.length < PAGE_SIZE) {
      await this.storage.write({
        [page(last)]: { entries: [...current.entries, entry], eTag: current.eTag ?? '*' },
      });
      return;
    }
    // A new page: claim it in the head first, so two writers cannot both start page n.
    await this.storage.write({ [HEAD]: { pages: head.pages + 1, eTag: head.eTag ?? '*' } });
    await this.storage.write({ [page(head.pages)]: { entries: [entry] } });
  }

  private async head(): Promise<Head> {
    const head = (await this.storage.read([HEAD]))[HEAD] as Head | undefined;
    return head ?? { pages: 0 };
  }
}
