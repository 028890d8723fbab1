import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { LeaseLostError, type WriteFence } from '../engine/ports/write-fence';

/** What the SDK's RetryHandler retries: throttled, unavailable, gateway timeout. */
const RETRY_STATUSES = new Set([429, 503, 504]);
/** The SDK's defaults: 3 retries, 3 s base delay doubling, 180 s at most. */
const MAX_RETRIES = 3;
const BASE_DELAY_MS = 3_000;
const MAX_DELAY_MS = 180_000;

/** A connection reset, or closed by the other side (undici's code for it). */
const CONNECTION_DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Graph actions sent as POST that only read, e.g. the approver check's checkMemberGroups. */
const READ_ACTIONS =
  /\/(checkMemberGroups|checkMemberObjects|getMemberGroups|getMemberObjects|getByIds)\/?(\?|$)/i;

const isRead = (method: string, url: string) =>
  READ_METHODS.has(method.toUpperCase()) || READ_ACTIONS.test(url);

function methodOf(context: Context): string {
  const request = context.request;
  const method = typeof request === 'string' ? context.options?.method : request.method;
  return (method ?? 'GET').toUpperCase();
}

function urlOf(context: Context): string {
  const request = context.request;
  return typeof request === 'string' ? request : request.url;
}

/**
 * A write changes the tenant: anything but a read (a GET, or a POST action that only reads), and a
 * `$batch` unless its every item is a read.
 */
export function isWriteRequest(context: Context): boolean {
  const url = urlOf(context);
  if (isRead(methodOf(context), url)) return false;
  if (!/\/\$batch(\?|$)/i.test(url)) return true;
  const body = context.options?.body;
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : '') as {
      requests?: { method?: unknown; url?: unknown }[];
    };
    const items = parsed.requests ?? [];
    return (
      items.length === 0 ||
      items.some(
        (item) =>
          typeof item.method !== 'string' ||
          typeof item.url !== 'string' ||
          !isRead(item.method, item.url)
      )
    );
  } catch {
    return true; // A body we cannot read is treated as a write: the fence errs on the safe side.
  }
}

/**
 * The connection closed under the request before an answer: a kept-alive connection the server closed
 * just as it was reused, or one dropped on the way.
 */
function isConnectionDropped(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return error instanceof TypeError && CONNECTION_DROPPED.has(String(cause?.code));
}

/** Retry-After in seconds or as an HTTP date, else the SDK's exponential backoff; capped. */
function retryDelayMs(response: Response, retry: number): number {
  const retryAfter = response.headers.get('Retry-After');
  let delay: number;
  if (retryAfter !== null && retryAfter.trim() !== '')
    delay = Number.isNaN(Number(retryAfter))
      ? new Date(retryAfter).getTime() - Date.now()
      : Number(retryAfter) * 1000;
  else delay = BASE_DELAY_MS + (retry >= 2 ? 500 * (2 ** retry - 1) : 0);
  return Math.min(Math.max(0, Number.isFinite(delay) ? delay : BASE_DELAY_MS), MAX_DELAY_MS);
}

/**
 * Sends each attempt of a request, retrying throttling and outages as the SDK's RetryHandler does (it
 * replaces it in the chain, just before the HTTP handler), with every attempt of a write fenced by the
 * runner lease: checked right before it leaves, after any wait, and a retry whose backoff would outlast
 * the lease is not sent at all. Reads are never fenced, and a read whose connection dropped before any
 * answer is sent again.
 */
export class FencedRetryHandler implements Middleware {
  private next: Middleware | null = null;

  constructor(
    private readonly fence: WriteFence,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms))
  ) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('The fenced retry handler needs a handler after it.');
    const write = isWriteRequest(context);
    for (let retry = 0; ; retry++) {
      if (write && this.fence.writableForMs() <= 0)
        throw new LeaseLostError(retry === 0 ? 'The write' : 'The retry of a write');
      try {
        await this.next.execute(context);
      } catch (error) {
        // No answer came back, and nothing says whether the request arrived: a read is safe to send
        // again; a write may have been applied, so what became of it is its caller's to find out.
        if (write || retry >= MAX_RETRIES || !isConnectionDropped(error)) throw error;
        await this.sleep(BASE_DELAY_MS);
        continue;
      }
      const response = context.response;
      if (!response || !RETRY_STATUSES.has(response.status) || retry >= MAX_RETRIES) return;
      const delayMs = retryDelayMs(response, retry + 1);
      // Waiting past the lease's end would only send it once another instance may have taken over.
      if (write && delayMs >= this.fence.writableForMs())
        throw new LeaseLostError('The retry of a write');
      await this.sleep(delayMs);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
