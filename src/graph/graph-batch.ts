import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { DepartureGate } from '../engine/ports/directory-writer';
import { LeaseLostError, type WriteFence } from '../engine/ports/write-fence';
import type { WritePacer } from './write-pacer';

/** A removal the gate held back: it never left, so nothing changed in the directory. */
export class HeldBackError extends Error {
  constructor() {
    super('Not sent: the wave stopped while this removal waited for the write ceiling.');
    this.name = 'HeldBackError';
  }
}

/** Graph runs at most 20 requests per JSON batch. */
export const BATCH_LIMIT = 20;
/** Throttled items inside a batch are not retried by the SDK: we retry them after their Retry-After. */
const THROTTLED_ATTEMPTS = 6;

export interface BatchItem {
  readonly id: string;
  readonly method: string;
  /** Relative to the version, e.g. `/users/{id}`. */
  readonly path: string;
  readonly body?: unknown;
}

/** One item's answer in a `$batch` answer, as Graph's JSON batching page documents it. */
interface ItemAnswer {
  readonly id: string;
  readonly status: number;
  readonly statusText?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * The `$batch` request body, built directly: the SDK's batch helpers made a web Request per item and
 * read its body back, and a web Response per answer re-encoded and parsed again, which cost more than
 * the reads themselves and kept the event loop from other turns (`status`) while a wave ran.
 */
function batchRequestBody(items: readonly BatchItem[]) {
  return {
    requests: items.map((r) => ({
      id: r.id,
      method: r.method,
      url: r.path,
      ...(r.body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: r.body }),
    })),
  };
}

/** Each item's answer by id, from the parsed `$batch` answer. */
function itemAnswersOf(answer: unknown): Map<string, ItemAnswer> {
  const responses = (answer as { responses?: unknown } | null)?.responses;
  const items = Array.isArray(responses) ? (responses as ItemAnswer[]) : [];
  return new Map(items.map((item) => [String(item.id), item]));
}

/** A header of an item's answer, whatever the case of its name. */
function headerOf(item: ItemAnswer, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(item.headers ?? {}).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : item.headers?.[key];
}

/** An item's JSON body: Graph sends it parsed; a string body is JSON text or nothing we read. */
function bodyOf(item: ItemAnswer): unknown {
  if (typeof item.body !== 'string') return item.body ?? null;
  try {
    return JSON.parse(item.body) as unknown;
  } catch {
    return null;
  }
}

/**
 * The item answers carried by a `$batch` answer that is not 2xx (the SDK throws on it): Microsoft's
 * throttling page says a batch with a throttled item "fails with a status code of 424", its answers still
 * in the body. Anything else is rethrown.
 */
function batchAnswerIn(error: unknown): { responses: unknown[] } {
  if (error instanceof GraphError) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        body = null;
      }
    }
    const responses = (body as { responses?: unknown } | null)?.responses;
    if (Array.isArray(responses)) return { responses };
  }
  throw error;
}

/**
 * JSON batches, posted through the SDK's client (its retries and fencing middleware). An item's answer is
 * its JSON body (null when empty) or an Error naming its status and Graph's message; items throttled
 * inside a batch are sent again after the longest Retry-After among them, unless that wait would outlast
 * the write fence (the runner lease). Every POST is fenced again by the client's middleware right before
 * it leaves, after the pacer's wait.
 */
export class GraphBatch {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Client,
    /** Graph's endpoint; items' paths are relative to its version, as `$batch` takes them. */
    _baseUrl: string,
    options: { sleep?: (ms: number) => Promise<void>; pacer?: WritePacer; fence?: WriteFence } = {}
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.pacer = options.pacer ?? null;
    this.fence = options.fence ?? null;
  }

  private readonly pacer: WritePacer | null;
  private readonly fence: WriteFence | null;

  /**
   * `gate` is asked after the pacer grants the writes, in the same synchronous step as the POST: when it
   * says no, nothing is sent and every item still pending is answered with a `HeldBackError`.
   */
  async send(
    requests: readonly BatchItem[],
    gate: DepartureGate = {}
  ): Promise<Map<string, unknown>> {
    if (requests.length > BATCH_LIMIT)
      throw new Error(`A batch holds at most ${BATCH_LIMIT} requests.`);
    const results = new Map<string, unknown>();
    let pending = [...requests];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const writes = pending.filter((r) => r.method !== 'GET').length;
      const content = batchRequestBody(pending);
      if (this.pacer && writes > 0) await this.pacer.acquire(writes);
      // Nothing awaited between this look and the POST: a stop seen while waiting at the pacer holds it.
      if (writes > 0 && gate.mayLeave && !gate.mayLeave()) {
        for (const request of pending) results.set(request.id, new HeldBackError());
        return results;
      }
      const responses = itemAnswersOf(
        await this.client.api('/$batch').post(content).catch(batchAnswerIn)
      );
      let waitSeconds = 0;
      const throttled: BatchItem[] = [];
      for (const request of pending) {
        const response = responses.get(request.id);
        if (!response) {
          results.set(
            request.id,
            new Error('Graph returned no answer for this request in the batch.')
          );
        } else if (response.status === 429 && attempt < THROTTLED_ATTEMPTS) {
          throttled.push(request);
          waitSeconds = Math.max(
            waitSeconds,
            Number(headerOf(response, 'Retry-After') ?? '1') || 1
          );
        } else if (response.status >= 400) {
          const body = (bodyOf(response) ?? {}) as {
            error?: { code?: string; message?: string };
          };
          results.set(
            request.id,
            new Error(
              `${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? response.statusText ?? ''}`.trim()
            )
          );
        } else {
          results.set(request.id, response.status === 204 ? null : bodyOf(response));
        }
      }
      pending = throttled;
      const writesLeft = pending.some((r) => r.method !== 'GET');
      if (writesLeft && this.fence && waitSeconds * 1000 >= this.fence.writableForMs())
        throw new LeaseLostError('The retry of a throttled write');
      if (pending.length > 0) {
        this.pacer?.pauseFor(waitSeconds * 1000);
        await this.sleep(waitSeconds * 1000);
      }
    }
    return results;
  }
}
