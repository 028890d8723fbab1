import type { Client } from '@microsoft/microsoft-graph-client';
import type { UserLicenseSnapshot } from '../domain/licenses';
import type { DirectoryWriter } from '../engine/directory-writer';
import { toUserSnapshot, USER_LICENSE_PROPERTIES, type GraphUser } from './graph-tenant-reader';

/** A removal wave's calls, through Graph: one user read, `assignLicense` with removeLicenses or addLicenses. */
export class GraphDirectoryWriter implements DirectoryWriter {
  constructor(private readonly client: Client) {}

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
}
