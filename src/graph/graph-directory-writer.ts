import {
  BatchRequestContent,
  BatchResponseContent,
  type BatchRequestStep,
  type Client,
} from '@microsoft/microsoft-graph-client';
import type { UserLicenseSnapshot } from '../domain/licenses';
import type { DirectoryWriter } from '../engine/directory-writer';
import { toUserSnapshot, USER_LICENSE_PROPERTIES, type GraphUser } from './graph-tenant-reader';

/** Graph runs at most 20 requests per JSON batch. */
const BATCH_LIMIT = 20;
/** Throttled items inside a batch are not retried by the SDK: we retry them after their Retry-After. */
const THROTTLED_ATTEMPTS = 6;

/**
 * A removal wave's calls, through Graph: user reads, and `assignLicense` with removeLicenses or
 * addLicenses; for many users at once, one `$batch` of up to 20 built with the SDK's batch helpers.
 */
export class GraphDirectoryWriter implements DirectoryWriter {
  /** The endpoint without version: the batch helper turns `${origin}/users/…` into the relative `/users/…`. */
  private readonly origin: string;

  constructor(
    private readonly client: Client,
    baseUrl: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms))
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  async readUser(userId: string): Promise<UserLicenseSnapshot> {
    const user = (await this.client
      .api(`/users/${userId}`)
      .select(USER_LICENSE_PROPERTIES)
      .get()) as GraphUser;
    return toUserSnapshot(user);
  }

  async removeDirectLicenses(userId: string, skuIds: readonly string[]): Promise<void> {
    await this.client
      .api(`/users/${userId}/assignLicense`)
      .post({ addLicenses: [], removeLicenses: skuIds });
  }

  async restoreDirectLicense(
    userId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<void> {
    await this.client
      .api(`/users/${userId}/assignLicense`)
      .post({ addLicenses: [{ skuId, disabledPlans }], removeLicenses: [] });
  }

  async readUsers(userIds: readonly string[]): Promise<Map<string, UserLicenseSnapshot | Error>> {
    const select = `$select=${USER_LICENSE_PROPERTIES.join(',')}`;
    const answers = await this.batch(
      userIds.map((id) => ({ id, method: 'GET', path: `/users/${id}?${select}` }))
    );
    const users = new Map<string, UserLicenseSnapshot | Error>();
    for (const [id, answer] of answers)
      users.set(id, answer instanceof Error ? answer : toUserSnapshot(answer as GraphUser));
    return users;
  }

  async removeDirectLicensesForUsers(
    items: readonly { readonly userId: string; readonly skuIds: readonly string[] }[]
  ): Promise<Map<string, Error | null>> {
    const answers = await this.batch(
      items.map((item) => ({
        id: item.userId,
        method: 'POST',
        path: `/users/${item.userId}/assignLicense`,
        body: { addLicenses: [], removeLicenses: item.skuIds },
      }))
    );
    return new Map(
      [...answers].map(([id, answer]) => [id, answer instanceof Error ? answer : null])
    );
  }

  /** Sends up to 20 requests as one batch; retries the ones throttled inside it after their Retry-After. */
  private async batch(
    requests: readonly { id: string; method: string; path: string; body?: unknown }[]
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
      const content = await new BatchRequestContent(steps).getContent();
      const responses = new BatchResponseContent(
        await this.client.api('/$batch').post(content)
      ).getResponses();
      let waitSeconds = 0;
      const throttled: typeof pending = [];
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
      if (pending.length > 0) await this.sleep(waitSeconds * 1000);
    }
    return results;
  }
}
