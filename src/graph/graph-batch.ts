import {
  BatchRequestContent,
  BatchResponseContent,
  GraphError,
  type BatchRequestStep,
  type Client,
} from '@microsoft/microsoft-graph-client';
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
 * JSON batches through the SDK's batch helpers. An item's answer is its JSON body (null when empty) or an
 * Error naming its status and Graph's message; items throttled inside a batch are sent again after the
 * longest Retry-After among them, unless that wait would outlast the write fence (the runner lease). Every
 * POST is fenced again by the client's middleware right before it leaves, after the pacer's wait.
 */
export class GraphBatch {
  /** The endpoint without version: the batch helper turns `${origin}/users/…` into the relative `/users/…`. */
  private readonly origin: string;

  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Client,
    baseUrl: string,
    options: { sleep?: (ms: number) => Promise<void>; pacer?: WritePacer; fence?: WriteFence } = {}
  ) {
    this.origin = new URL(baseUrl).origin;
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
      const steps: BatchRequestStep[] = pending.map((r) => ({
        id: r.id,
        request: new Request(`${this.origin}${r.path}`, {
          method: r.method,
          headers: r.body === undefined ? undefined : { 'Content-Type': 'application/json' },
          body: r.body === undefined ? undefined : JSON.stringify(r.body),
        }),
      }));
      const writes = pending.filter((r) => r.method !== 'GET').length;
      const content = await new BatchRequestContent(steps).getContent();
      if (this.pacer && writes > 0) await this.pacer.acquire(writes);
      // Nothing awaited between this look and the POST: a stop seen while waiting at the pacer holds it.
      if (writes > 0 && gate.mayLeave && !gate.mayLeave()) {
        for (const request of pending) results.set(request.id, new HeldBackError());
        return results;
      }
      const responses = new BatchResponseContent(
        await this.client.api('/$batch').post(content).catch(batchAnswerIn)
      ).getResponses();
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
            Number(response.headers.get('Retry-After') ?? '1') || 1
          );
        } else if (response.status >= 400) {
          const body = (await response.json().catch(() => ({}))) as {
            error?: { code?: string; message?: string };
          };
          results.set(
            request.id,
            new Error(
              `${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? response.statusText}`.trim()
            )
          );
        } else {
          results.set(
            request.id,
            response.status === 204 ? null : await response.json().catch(() => null)
          );
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
