/** Group membership as the directory sees it now: who may run the migration, who may approve. */
export interface DirectoryMembership {
  /** True if the user is a member of the group, directly or through nested groups. */
  isMember(userId: string, groupId: string): Promise<boolean>;
  /** The object ids of the group's users, directly or through nested groups. */
  userMembers(groupId: string): Promise<string[]>;
}
