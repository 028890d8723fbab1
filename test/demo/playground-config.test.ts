import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  buildDemoTenant,
  DEMO_PEOPLE,
  DEMO_TENANT_ID,
} from '../../src/simulator/scenarios/demo-tenant';

/** The parts of the Playground's config (schema 0.1.1) these tests read. */
interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string; // sic: the Playground's spelling
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}
interface PlaygroundConfig {
  version: string;
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

const config = parse(
  readFileSync(join(__dirname, '..', '..', '.m365agentsplayground.yml'), 'utf8')
) as PlaygroundConfig;
const tenant = buildDemoTenant();
const tenantUsers = new Map(tenant.users.map((user) => [user.id, user]));

describe('Agents Playground config', () => {
  it('uses the demo tenant id, so activities carry the tenant the simulator serves', () => {
    expect(config.version).toBe('0.1.1');
    expect(config.tenantId).toBe(DEMO_TENANT_ID);
  });

  it('signs in as the demo admin, Adele Vance', () => {
    expect(config.currentUser.aadObjectId).toBe(DEMO_PEOPLE.admin.id);
    expect(config.currentUser.userPrincipleName).toBe('AdeleV@contoso.example');
  });

  it('lists exactly the five other users the Playground schema requires', () => {
    // The schema has minItems 5 and maxItems 5; the Playground refuses to start otherwise.
    expect(config.users.length).toBeGreaterThanOrEqual(5);
    expect(config.users).toHaveLength(5);
  });

  it('only names people who exist in the demo tenant, with their tenant name and UPN', () => {
    for (const user of [config.currentUser, ...config.users]) {
      const inTenant = tenantUsers.get(user.aadObjectId);
      expect(inTenant).toBeDefined();
      expect(user.name).toBe(inTenant?.displayName);
      expect(user.userPrincipleName).toBe(inTenant?.userPrincipalName);
    }
  });

  it('gives every person a distinct Playground id and object id', () => {
    const people = [config.currentUser, ...config.users];
    expect(new Set(people.map((user) => user.id)).size).toBe(people.length);
    expect(new Set(people.map((user) => user.aadObjectId)).size).toBe(people.length);
  });

  it('includes both approvers, so wave approval can be tried as another user', () => {
    const ids = config.users.map((user) => user.aadObjectId);
    expect(ids).toEqual(
      expect.arrayContaining([DEMO_PEOPLE.approver1.id, DEMO_PEOPLE.approver2.id])
    );
  });

  it('has an "IT Admins" team with a "License migration" channel', () => {
    expect(config.team.name).toBe('IT Admins');
    expect(config.team.channels.map((channel) => channel.name)).toContain('License migration');
    // General is implicit: its conversation id is the team id, so no listed channel may reuse it.
    expect(config.team.channels.map((channel) => channel.id)).not.toContain(config.team.id);
  });

  it('backs the team with a group that exists in the demo tenant', () => {
    expect((tenant.groups ?? []).map((group) => group.id)).toContain(config.team.aadGroupId);
  });
});
