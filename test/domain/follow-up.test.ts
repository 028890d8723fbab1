import {
  checkRemovedAssignment,
  describeFollowUp,
  releaseBlocker,
  type FollowUpState,
} from '../../src/domain/follow-up';
import type { LicenseAssignmentSnapshot, SkuSnapshot } from '../../src/domain/licenses';

/** What a wave's follow-up says of each user whose direct assignment it removed. */
describe('a removed direct assignment checked after the soak period', () => {
  const sku: SkuSnapshot = {
    skuId: 'sku-e3',
    skuPartNumber: 'ENTERPRISEPACK',
    prepaidUnits: 10,
    consumedUnits: 5,
    servicePlans: [
      { servicePlanId: 'exchange', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
      { servicePlanId: 'sharepoint', servicePlanName: 'SHAREPOINTENTERPRISE' },
      { servicePlanId: 'yammer', servicePlanName: 'YAMMER_ENTERPRISE' },
    ],
  };
  const groups = new Map([['g-e3', 'LIC Office 365 E3']]);
  // The direct assignment had Yammer disabled: Exchange and SharePoint are what must stay.
  const target = { intentId: 'i1', userId: 'u1', skuId: 'sku-e3', disabledPlans: ['yammer'] };
  const user = (...rows: Partial<LicenseAssignmentSnapshot>[]) => ({
    id: 'u1',
    userPrincipalName: 'megan@contoso.example',
    accountEnabled: true,
    usageLocation: 'US',
    licenseAssignmentStates: rows.map((r) => ({
      skuId: 'sku-e3',
      assignedByGroup: 'g-e3',
      disabledPlans: [],
      state: 'Active',
      error: 'None',
      ...r,
    })),
  });
  const check = (...rows: Partial<LicenseAssignmentSnapshot>[]) =>
    checkRemovedAssignment(target, user(...rows), sku, groups);

  it('finds nothing wrong when the group still gives every plan the direct assignment did', () => {
    expect(check({ disabledPlans: ['yammer'] })).toBeNull();
  });

  it('names the plan lost and the group that disables it now, and asks for it back', () => {
    expect(check({ disabledPlans: ['exchange'] })).toEqual(
      expect.objectContaining({
        problem: 'lost-plans',
        needsRestore: true,
        detail:
          'lost EXCHANGE_S_ENTERPRISE of Office 365 E3: "LIC Office 365 E3" disables it now (the group\'s disabled plans changed after the wave).',
      })
    );
  });

  it('says so when no group gives the license any more', () => {
    const finding = check();
    expect(finding?.detail).toMatch(/^lost Office 365 E3: no group gives it to them any more/);
    expect(finding?.needsRestore).toBe(true);
  });

  it('reports a group assignment in error, and asks for the license back when it is not applied', () => {
    expect(check({ state: 'Error', error: 'CountViolation' })).toEqual(
      expect.objectContaining({ problem: 'lost-plans', needsRestore: true })
    );
    expect(
      check({}, { assignedByGroup: 'g-other', state: 'Error', error: 'CountViolation' })
    ).toEqual(expect.objectContaining({ problem: 'license-error', needsRestore: false }));
  });

  it('reports a direct assignment made again, with nothing to put back', () => {
    expect(check({}, { assignedByGroup: null })).toEqual(
      expect.objectContaining({ problem: 'direct-again', needsRestore: false })
    );
  });

  it('reports plans missing from a direct assignment made again, to be fixed by hand', () => {
    // The group was taken away, and the old automation assigned it back with Exchange disabled.
    expect(check({ assignedByGroup: null, disabledPlans: ['exchange'] })).toEqual(
      expect.objectContaining({
        problem: 'lost-plans',
        needsRestore: false,
        detail: expect.stringMatching(
          /^holds Office 365 E3 directly again since the wave, but without EXCHANGE_S_ENTERPRISE \(the old automation\?\): give those plans back by hand/
        ),
      })
    );
  });

  it('does not call a user clean for a license the tenant no longer lists, nor asks to assign it', () => {
    const finding = checkRemovedAssignment(
      target,
      { ...user(), licenseAssignmentStates: [] },
      undefined,
      groups
    );
    expect(finding).toEqual(
      expect.objectContaining({ problem: 'lost-plans', needsRestore: false })
    );
    expect(finding?.detail).toMatch(/no longer lists among its subscriptions/);
  });
});

describe('what holds the next wave', () => {
  const wave = (number: number, status: string, followUp?: FollowUpState) => ({
    number,
    status,
    followUp,
  });
  const due = '2026-11-25T09:00:00.000Z';

  it('is the follow-up of the wave before it, until that is clean or put right', () => {
    expect(releaseBlocker([wave(1, 'completed', { dueAt: due, status: 'waiting' })], 2)).toBe(
      "Wave 1's follow-up is not done yet (due 2026-11-25 09:00 UTC): wave 2 can be released once it is clean."
    );
    expect(
      releaseBlocker([wave(1, 'completed', { dueAt: due, status: 'problems', problems: 3 })], 2)
    ).toMatch(
      /^Wave 1's follow-up found 3 problems: fix the cause and run `followup 1` before wave 2/
    );
    const withRestore = [
      wave(1, 'completed', {
        dueAt: due,
        status: 'problems',
        problems: 3,
        restoreApprovalId: 'r1',
      }),
    ];
    expect(releaseBlocker(withRestore, 2)).toMatch(
      /: approve putting back what is missing, or fix the cause and run `followup 1`/
    );
    // Once that request is rejected or expired, only fixing the cause is left to say.
    expect(releaseBlocker(withRestore, 2, () => false)).toMatch(
      /: fix the cause and run `followup 1`/
    );
    expect(releaseBlocker([wave(1, 'completed', { dueAt: due, status: 'clean' })], 2)).toBeNull();
    // Put back and checked again: clean.
    expect(
      releaseBlocker([wave(1, 'completed', { dueAt: due, status: 'clean', restored: 3 })], 2)
    ).toBeNull();
  });

  it('looks at every wave before it that ran, but not at waves rolled back', () => {
    const waves = [
      wave(1, 'completed', { dueAt: due, status: 'clean' }),
      wave(2, 'rolled-back', { dueAt: due, status: 'waiting' }),
      wave(3, 'proposed'),
    ];
    expect(releaseBlocker(waves, 3)).toBeNull();
    expect(releaseBlocker(waves, 1)).toBeNull();
    // Wave 2 removed nothing (no follow-up), and an approver overrode for it: wave 1 still holds wave 3.
    const held = [
      wave(1, 'completed', { dueAt: due, status: 'problems', problems: 2 }),
      wave(2, 'completed'),
      wave(3, 'awaiting-approval'),
    ];
    expect(releaseBlocker(held, 3)).toMatch(/^Wave 1's follow-up found 2 problems/);
  });

  it('is shown in a few words on the status rows', () => {
    expect(describeFollowUp(undefined)).toBe('—');
    expect(describeFollowUp({ dueAt: due, status: 'waiting' })).toBe('due 2026-11-25 09:00 UTC');
    expect(describeFollowUp({ dueAt: due, status: 'problems', problems: 1234 })).toBe(
      '1,234 problems'
    );
  });
});
