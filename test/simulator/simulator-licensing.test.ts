import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { runningSimulator } from '../support/running-simulator';
import { expectGraphShape } from '../support/graph-schema';

const SKU_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const SKU_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const SKU_FULL = 'cccccccc-0000-4000-8000-00000000000c';
const MAIL_1 = '11111111-0000-4000-8000-000000000001';
const MAIL_2 = '22222222-0000-4000-8000-000000000002';
const TEAMS = '33333333-0000-4000-8000-000000000003';
const ADDON = '44444444-0000-4000-8000-000000000004';

/** A small tenant with licensing rules: MAIL_1 and MAIL_2 exclude each other, ADDON needs TEAMS. */
function tenant(): TenantFixture {
  const user = (id: string, extra: object = {}) => ({
    id,
    userPrincipalName: `${id}@contoso.example`,
    displayName: `User ${id}`,
    usageLocation: 'US',
    ...extra,
  });
  return {
    organization: {
      id: '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
      displayName: 'Contoso',
      countryLetterCode: 'US',
      defaultDomain: 'contoso.example',
    },
    subscribedSkus: [
      {
        skuId: SKU_A,
        skuPartNumber: 'SKU_A',
        prepaidUnits: 10,
        servicePlans: [
          { servicePlanId: MAIL_1, servicePlanName: 'MAIL_1' },
          { servicePlanId: TEAMS, servicePlanName: 'TEAMS' },
        ],
      },
      {
        skuId: SKU_B,
        skuPartNumber: 'SKU_B',
        prepaidUnits: 10,
        servicePlans: [
          { servicePlanId: MAIL_2, servicePlanName: 'MAIL_2' },
          { servicePlanId: ADDON, servicePlanName: 'ADDON' },
        ],
      },
      {
        skuId: SKU_FULL,
        skuPartNumber: 'SKU_FULL',
        prepaidUnits: 1,
        servicePlans: [{ servicePlanId: ADDON, servicePlanName: 'ADDON' }],
      },
    ],
    users: [
      user('direct', { licenses: [{ skuId: SKU_A, disabledPlans: [] }] }),
      user('grouped'),
      user('both', { licenses: [{ skuId: SKU_A, disabledPlans: [TEAMS] }] }),
      user('nowhere', { usageLocation: null }),
      user('full', { licenses: [{ skuId: SKU_FULL, disabledPlans: [] }] }),
      user('nested'),
    ],
    groups: [
      {
        id: 'g-a',
        displayName: 'Licensing A',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['grouped', 'both', 'g-inner'],
        licenses: [{ skuId: SKU_A, disabledPlans: [] }],
      },
      {
        id: 'g-inner',
        displayName: 'Inner',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['nested'],
      },
    ],
    rules: {
      mutuallyExclusivePlans: [[MAIL_1, MAIL_2]],
      planDependencies: [{ plan: ADDON, requires: [TEAMS] }],
    },
  };
}

describe('the tenant simulator licenses users as Graph does', () => {
  const running = runningSimulator(() => ({
    tenant: tenant(),
    timings: { queuedMs: 300, usersPerSecond: 100000 },
  }));
  const call = running.call;
  const licensesOf = async (id: string) =>
    (await call('GET', `/v1.0/users/${id}?$select=id,assignedLicenses,licenseAssignmentStates`))
      .body;
  const consumed = async (skuId: string) =>
    (
      (await call('GET', '/v1.0/subscribedSkus')).body.value as {
        skuId: string;
        consumedUnits: number;
      }[]
    ).find((s) => s.skuId === skuId)?.consumedUnits;
  const processed = async (groupId: string) => {
    for (let i = 0; i < 250; i++) {
      const group = (await call('GET', `/v1.0/groups/${groupId}?$select=id,licenseProcessingState`))
        .body;
      if (group.licenseProcessingState?.state === 'ProcessingComplete') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`group ${groupId} never finished processing`);
  };

  describe('POST /users/{id}/assignLicense', () => {
    it('assigns directly, answering 200 with the user, and consumes one seat', async () => {
      const before = await consumed(SKU_B);
      const answer = await call('POST', '/v1.0/users/grouped/assignLicense', {
        addLicenses: [{ skuId: SKU_B, disabledPlans: [MAIL_2] }],
        removeLicenses: [],
      });
      expect(answer.status).toBe(200);
      expectGraphShape(answer.body, 'microsoft.graph.user');
      expect(answer.body.id).toBe('grouped');
      const user = await licensesOf('grouped');
      expect(user.licenseAssignmentStates).toContainEqual(
        expect.objectContaining({
          skuId: SKU_B,
          assignedByGroup: null,
          disabledPlans: [MAIL_2],
          state: 'Active',
          error: 'None',
        })
      );
      expect(await consumed(SKU_B)).toBe((before ?? 0) + 1);
    });

    it('removes only the direct assignment of a user who also inherits it, keeping the license and the seat count', async () => {
      const before = await consumed(SKU_A);
      const answer = await call('POST', '/v1.0/users/both/assignLicense', {
        addLicenses: [],
        removeLicenses: [SKU_A],
      });
      expect(answer.status).toBe(200);
      const user = await licensesOf('both');
      expect(user.licenseAssignmentStates).toEqual([
        expect.objectContaining({ skuId: SKU_A, assignedByGroup: 'g-a', state: 'Active' }),
      ]);
      expect(user.assignedLicenses).toEqual([{ skuId: SKU_A, disabledPlans: [] }]);
      expect(await consumed(SKU_A)).toBe(before);
    });

    it.each([
      [
        'grouped',
        { addLicenses: [], removeLicenses: [SKU_A] },
        'User license is inherited from a group membership and it cannot be removed directly from the user.',
      ],
      [
        'grouped',
        { addLicenses: [], removeLicenses: [SKU_B] },
        'User does not have a corresponding license.',
      ],
      [
        'grouped',
        {
          addLicenses: [{ skuId: '99999999-0000-4000-8000-000000000009', disabledPlans: [] }],
          removeLicenses: [],
        },
        'License 99999999-0000-4000-8000-000000000009 does not correspond to a valid company License.',
      ],
      [
        'grouped',
        { addLicenses: [{ skuId: SKU_FULL, disabledPlans: [] }], removeLicenses: [] },
        `Subscription with SKU ${SKU_FULL} does not have any available licenses.`,
      ],
      [
        'nowhere',
        { addLicenses: [{ skuId: SKU_B, disabledPlans: [] }], removeLicenses: [] },
        'License assignment cannot be done for user with invalid usage location.',
      ],
      [
        'direct',
        { addLicenses: [{ skuId: SKU_B, disabledPlans: [ADDON] }], removeLicenses: [] },
        `License assignment failed because service plans ${MAIL_1}, ${MAIL_2} are mutually exclusive.`,
      ],
      [
        'direct',
        {
          addLicenses: [
            { skuId: SKU_A, disabledPlans: [TEAMS] },
            { skuId: SKU_B, disabledPlans: [MAIL_2] },
          ],
          removeLicenses: [],
        },
        `License assignment failed because service plan ${ADDON} depends on the service plan(s) ${TEAMS}.`,
      ],
    ])('refuses %s %j with 400 "%s" and changes nothing', async (userId, body, message) => {
      const before = await licensesOf(userId);
      const answer = await call('POST', `/v1.0/users/${userId}/assignLicense`, body);
      expect(answer.status).toBe(400);
      expectGraphShape(answer.body, 'graphErrorResponse');
      expect(answer.body.error).toMatchObject({ code: 'Request_BadRequest', message });
      expect(await licensesOf(userId)).toEqual(before);
    });

    it('requires both addLicenses and removeLicenses', async () => {
      const answer = await call('POST', '/v1.0/users/direct/assignLicense', { addLicenses: [] });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain("'removeLicenses'");
    });
  });

  describe('group-based licensing', () => {
    it('assigns a group asynchronously: 202 with a Location, queued, then members licensed when processing completes', async () => {
      const answer = await call('POST', '/v1.0/groups/g-a/assignLicense', {
        addLicenses: [{ skuId: SKU_B, disabledPlans: [MAIL_2] }],
        removeLicenses: [],
      });
      expect(answer.status).toBe(202);
      expect(answer.headers.get('location')).toMatch(
        /\/directoryObjects\/g-a\/Microsoft\.DirectoryServices\.Group$/
      );
      const queued = (
        await call('GET', '/v1.0/groups/g-a?$select=id,assignedLicenses,licenseProcessingState')
      ).body;
      expectGraphShape(queued, 'microsoft.graph.group');
      expect(queued.licenseProcessingState).toEqual({ state: 'QueuedForProcessing' });
      expect(queued.assignedLicenses).toContainEqual({ skuId: SKU_B, disabledPlans: [MAIL_2] });
      expect(
        (await licensesOf('grouped')).assignedLicenses.map((l: { skuId: string }) => l.skuId)
      ).not.toContain(SKU_B);
      await processed('g-a');
      expect((await licensesOf('grouped')).licenseAssignmentStates).toContainEqual(
        expect.objectContaining({
          skuId: SKU_B,
          assignedByGroup: 'g-a',
          disabledPlans: [MAIL_2],
          state: 'Active',
          error: 'None',
        })
      );
    });

    it('licenses direct members only: members of a nested group get nothing', async () => {
      expect((await licensesOf('nested')).licenseAssignmentStates).toEqual([]);
      expect((await licensesOf('grouped')).licenseAssignmentStates).toHaveLength(1);
    });

    it('puts a member in CountViolation when seats run out, lists them in error, and reprocessing fixes it once a seat is free', async () => {
      const created = await call('POST', '/v1.0/groups', {
        displayName: 'Full',
        mailEnabled: false,
        mailNickname: 'full',
        securityEnabled: true,
        groupTypes: [],
      });
      expect(created.status).toBe(201);
      const groupId = created.body.id as string;
      expect(
        (
          await call('POST', `/v1.0/groups/${groupId}/members/$ref`, {
            '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/grouped`,
          })
        ).status
      ).toBe(204);
      expect(
        (
          await call('POST', `/v1.0/groups/${groupId}/assignLicense`, {
            addLicenses: [
              { skuId: SKU_FULL, disabledPlans: [] },
              { skuId: SKU_A, disabledPlans: [] },
            ],
            removeLicenses: [],
          })
        ).status
      ).toBe(202);
      await processed(groupId);
      const rows = (await licensesOf('grouped')).licenseAssignmentStates.filter(
        (r: { assignedByGroup: string }) => r.assignedByGroup === groupId
      );
      // All or nothing per group: the SKU without seats fails, and so does the other one, as Other.
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ skuId: SKU_FULL, state: 'Error', error: 'CountViolation' }),
          expect.objectContaining({ skuId: SKU_A, state: 'Error', error: 'Other' }),
        ])
      );
      const inError = await call('GET', `/v1.0/groups/${groupId}/membersWithLicenseErrors`);
      expect(inError.body.value.map((u: { id: string }) => u.id)).toEqual(['grouped']);
      const flagged = await call(
        'GET',
        '/v1.0/groups?$filter=hasMembersWithLicenseErrors eq true&$select=id,displayName'
      );
      expect(flagged.body.value.map((g: { id: string }) => g.id)).toEqual([groupId]);

      await call('POST', '/v1.0/users/full/assignLicense', {
        addLicenses: [],
        removeLicenses: [SKU_FULL],
      });
      const reprocessed = await call('POST', '/v1.0/users/grouped/reprocessLicenseAssignment');
      expect(reprocessed.status).toBe(200);
      expect((await licensesOf('grouped')).licenseAssignmentStates).toContainEqual(
        expect.objectContaining({
          skuId: SKU_FULL,
          assignedByGroup: groupId,
          state: 'Active',
          error: 'None',
        })
      );
      expect(
        (await call('GET', `/v1.0/groups/${groupId}/membersWithLicenseErrors`)).body.value
      ).toEqual([]);
    });

    it('takes the license away when a member leaves, after processing', async () => {
      expect((await call('DELETE', '/v1.0/groups/g-a/members/grouped/$ref')).status).toBe(204);
      await processed('g-a');
      expect((await licensesOf('grouped')).licenseAssignmentStates).toEqual([]);
    });

    it('refuses to add a member twice, and an unknown member', async () => {
      const again = await call('POST', '/v1.0/groups/g-a/members/$ref', {
        '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/grouped',
      });
      expect(again.status).toBe(400);
      expect(again.body.error.message).toContain('already exist');
      const unknown = await call('POST', '/v1.0/groups/g-a/members/$ref', {
        '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/nobody',
      });
      expect(unknown.status).toBe(404);
    });

    it.each([
      [
        { addLicenses: [{ skuId: SKU_A, disabledPlans: [MAIL_2] }], removeLicenses: [] },
        `Service plan ${MAIL_2} is not part of license ${SKU_A}.`,
      ],
      [
        {
          addLicenses: [
            { skuId: SKU_A, disabledPlans: [TEAMS] },
            { skuId: SKU_FULL, disabledPlans: [] },
          ],
          removeLicenses: [],
        },
        `The service ${ADDON} requires ${TEAMS} to be enabled as well.`,
      ],
      [
        { addLicenses: [], removeLicenses: [SKU_B] },
        'Group does not have a corresponding license.',
      ],
    ])('refuses a group assignment %j synchronously, changing nothing', async (body, message) => {
      const answer = await call('POST', '/v1.0/groups/g-a/assignLicense', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(message);
      const group = (
        await call('GET', '/v1.0/groups/g-a?$select=assignedLicenses,licenseProcessingState')
      ).body;
      expect(group.assignedLicenses).toEqual([{ skuId: SKU_A, disabledPlans: [] }]);
      expect(group.licenseProcessingState).toEqual({ state: 'ProcessingComplete' });
    });

    it('has no group reprocess action in v1.0', async () => {
      const answer = await call('POST', '/v1.0/groups/g-a/reprocessLicenseAssignment');
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe(
        "Resource not found for the segment 'reprocessLicenseAssignment'."
      );
    });
  });

  describe('membership checks and user management', () => {
    it('checks group membership transitively', async () => {
      const answer = await call('POST', '/v1.0/directoryObjects/nested/checkMemberGroups', {
        groupIds: ['g-a', 'g-inner', 'nope'],
      });
      expect(answer.body.value.sort()).toEqual(['g-a', 'g-inner']);
    });

    it('creates a user with a password profile, sets the usage location, and deletes them, freeing their seats', async () => {
      const created = await call('POST', '/v1.0/users', {
        accountEnabled: true,
        displayName: 'New Person',
        mailNickname: 'newp',
        userPrincipalName: 'newp@contoso.example',
        passwordProfile: { password: 'Str0ng-enough!' },
      });
      expect(created.status).toBe(201);
      expectGraphShape(created.body, 'microsoft.graph.user');
      const id = created.body.id as string;
      expect(
        (
          await call('POST', `/v1.0/users/${id}/assignLicense`, {
            addLicenses: [{ skuId: SKU_A, disabledPlans: [] }],
            removeLicenses: [],
          })
        ).status
      ).toBe(400);
      expect((await call('PATCH', `/v1.0/users/${id}`, { usageLocation: 'GB' })).status).toBe(204);
      const before = await consumed(SKU_A);
      expect(
        (
          await call('POST', `/v1.0/users/${id}/assignLicense`, {
            addLicenses: [{ skuId: SKU_A, disabledPlans: [] }],
            removeLicenses: [],
          })
        ).status
      ).toBe(200);
      expect(await consumed(SKU_A)).toBe((before ?? 0) + 1);
      expect((await call('DELETE', `/v1.0/users/${id}`)).status).toBe(204);
      expect(await consumed(SKU_A)).toBe(before);
      expect((await call('GET', `/v1.0/users/${id}`)).status).toBe(404);
    });

    it('refuses a user without a usable password and creates nothing', async () => {
      const answer = await call('POST', '/v1.0/users', {
        accountEnabled: true,
        displayName: 'Weak',
        mailNickname: 'weak',
        userPrincipalName: 'weak@contoso.example',
        passwordProfile: { password: '1' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain("'passwordProfile'");
      expect((await call('GET', '/v1.0/users/weak@contoso.example')).status).toBe(404);
    });

    it('refuses a duplicate userPrincipalName and a bad usage location', async () => {
      const duplicate = await call('POST', '/v1.0/users', {
        accountEnabled: true,
        displayName: 'Dup',
        mailNickname: 'dup',
        userPrincipalName: 'direct@contoso.example',
        passwordProfile: { password: 'Str0ng-enough!' },
      });
      expect(duplicate.body.error.message).toBe(
        'Another object with the same value for property userPrincipalName already exists.'
      );
      const bad = await call('PATCH', '/v1.0/users/direct', { usageLocation: 'Narnia' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("'usageLocation'");
    });
  });
});
