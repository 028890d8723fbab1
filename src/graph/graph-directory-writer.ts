import type { Client } from '@microsoft/microsoft-graph-client';
import type { RemovalAnswer, RestoreAnswer, UserRead } from '../domain/directory-answers';
import type { UserLicenseSnapshot } from '../domain/licenses';
import type { DepartureGate, DirectoryWriter } from '../engine/ports/directory-writer';
import { GraphBatch, HeldBackError } from './graph-batch';
import { failureOf, removalAnswerOf, restoreAnswerOf } from './graph-directory-answers';
import type { WriteFence } from '../engine/ports/write-fence';
import { WritePacer } from './write-pacer';
import { USER_RULE_PROPERTIES, ruleAttributesOf } from './graph-rule-attributes';
import { toUserSnapshot, USER_LICENSE_PROPERTIES, type GraphUser } from './graph-tenant-reader';

/**
 * A wave's reads take what dynamic membership rules test too, so a follow-up can warn of a user whose
 * only licensing group's rule no longer matches them (one request either way; a few more fields).
 */
const USER_PROPERTIES = [...new Set([...USER_LICENSE_PROPERTIES, ...USER_RULE_PROPERTIES])];
const snapshotOf = (user: GraphUser): UserLicenseSnapshot => ({
  ...toUserSnapshot(user),
  ruleAttributes: ruleAttributesOf(user),
});

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * A removal wave's calls, through Graph: user reads, and `assignLicense` with removeLicenses or
 * addLicenses; for many users at once, one `$batch` of up to 20 built with the SDK's batch helpers. Each
 * call answers in outcomes, Graph's errors classified by graph-directory-answers.ts; none throws.
 */
export class GraphDirectoryWriter implements DirectoryWriter {
  private readonly batch: GraphBatch;

  constructor(
    private readonly client: Client,
    baseUrl: string,
    /** Share one pacer among every writer of the same app and tenant: the ceiling is theirs together. */
    private readonly pacer: WritePacer = new WritePacer(),
    /** The client's fence, again: a throttled batch item is not waited for past the lease's end. */
    fence?: WriteFence
  ) {
    this.batch = new GraphBatch(client, baseUrl, { pacer, fence });
  }

  writeBudget(): { room: number; perSecond: number } {
    return { room: this.pacer.room(), perSecond: this.pacer.perSecond };
  }

  async readUser(userId: string): Promise<UserRead> {
    try {
      const user = (await this.client
        .api(`/users/${userId}`)
        .select(USER_PROPERTIES)
        .get()) as GraphUser;
      return { kind: 'read', user: snapshotOf(user) };
    } catch (error) {
      return failureOf(error);
    }
  }

  async removeDirectLicenses(
    userId: string,
    skuIds: readonly string[],
    gate: DepartureGate = {}
  ): Promise<RemovalAnswer> {
    try {
      await this.pacer.acquire(1);
      if (gate.mayLeave && !gate.mayLeave()) throw new HeldBackError();
      await this.client
        .api(`/users/${userId}/assignLicense`)
        .post({ addLicenses: [], removeLicenses: skuIds });
      return { kind: 'done' };
    } catch (error) {
      return removalAnswerOf(error);
    }
  }

  async restoreDirectLicense(
    userId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<RestoreAnswer> {
    try {
      // Paced like every write: a give-back that bounces off Graph's ceiling (429) puts nobody back sooner.
      await this.pacer.acquire(1);
      await this.client
        .api(`/users/${userId}/assignLicense`)
        .post({ addLicenses: [{ skuId, disabledPlans }], removeLicenses: [] });
      return { kind: 'done' };
    } catch (error) {
      return restoreAnswerOf(error);
    }
  }

  /** A whole batch that failed (no answer, the fence) answers the same for each of its users. */
  async readUsers(userIds: readonly string[]): Promise<Map<string, UserRead>> {
    const select = `$select=${USER_PROPERTIES.join(',')}`;
    const answers = await this.batch
      .send(userIds.map((id) => ({ id, method: 'GET', path: `/users/${id}?${select}` })))
      .catch((error: unknown) => new Map(userIds.map((id) => [id, asError(error)])));
    const users = new Map<string, UserRead>();
    for (const [id, answer] of answers)
      users.set(
        id,
        answer instanceof Error
          ? failureOf(answer)
          : { kind: 'read', user: snapshotOf(answer as GraphUser) }
      );
    return users;
  }

  async removeDirectLicensesForUsers(
    items: readonly { readonly userId: string; readonly skuIds: readonly string[] }[],
    gate: DepartureGate = {}
  ): Promise<Map<string, RemovalAnswer>> {
    const answers = await this.batch
      .send(
        items.map((item) => ({
          id: item.userId,
          method: 'POST',
          path: `/users/${item.userId}/assignLicense`,
          body: { addLicenses: [], removeLicenses: item.skuIds },
        })),
        gate
      )
      .catch((error: unknown) => new Map(items.map((item) => [item.userId, asError(error)])));
    return new Map(
      [...answers].map(([id, answer]) => [
        id,
        removalAnswerOf(answer instanceof Error ? answer : null),
      ])
    );
  }
}
