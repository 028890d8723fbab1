import type { Person } from '../../domain/approvals';
import type { MigrationEngineDependencies } from './engine-dependencies';
import { MigrationRefusal } from './migration-refusal';

/**
 * Who may act: admins run what changes something, approvers decide sign-offs. Asked of the directory at
 * the moment of asking, never taken from a card or a message.
 */
export class Access {
  constructor(
    private readonly deps: Pick<MigrationEngineDependencies, 'membership' | 'settings'>
  ) {}

  async isAdmin(person: Person): Promise<boolean> {
    const group = this.deps.settings.adminGroupId;
    return group !== null && (await this.deps.membership.isMember(person.id, group));
  }

  async isApprover(person: Person): Promise<boolean> {
    const group = this.deps.settings.approverGroupId;
    return group !== null && (await this.deps.membership.isMember(person.id, group));
  }

  /** Refuses a mutating command from anyone outside the admin group, saying so. */
  async requireAdmin(person: Person, toDo: string): Promise<void> {
    if (this.deps.settings.adminGroupId === null)
      throw new MigrationRefusal(
        `No admin group is configured (ADMIN_GROUP_ID), so nobody may ${toDo}.`
      );
    if (!(await this.isAdmin(person)))
      throw new MigrationRefusal(
        `${person.name} is not a member of the migration admins group, so cannot ${toDo}. Reading (\`status\`, \`inventory\`, \`verify\` …) is open to everyone.`
      );
  }
}
