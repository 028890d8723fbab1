import { describeJoiners, joinersSinceWaves } from '../../src/domain/joiners';
import type { LicenseChangeEvent } from '../../src/domain/automation';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import { EMS } from '../fixtures/skus';

const GROUP = '11111111-1111-4111-8111-111111111111';
const FROZEN = '2025-03-01T10:00:00Z';
const SCRIPT = 'Contoso nightly license script';

function user(
  id: string,
  options: { enabled?: boolean; direct?: boolean } = {}
): UserLicenseSnapshot {
  return {
    id,
    userPrincipalName: `${id}@contoso.example`,
    accountEnabled: options.enabled ?? true,
    usageLocation: 'US',
    licenseAssignmentStates: [
      {
        skuId: EMS,
        assignedByGroup: options.direct === false ? GROUP : null,
        disabledPlans: [],
        state: 'Active',
        error: 'None',
      },
    ],
  };
}

const byScript = (targetUserId: string, at = '2025-03-02T02:00:00Z'): LicenseChangeEvent => ({
  at,
  actor: SCRIPT,
  actorKind: 'app',
  targetUserId,
});

describe('joiners the old automation licenses while the waves run', () => {
  it('names the people the script licensed directly since the waves were frozen who are in no wave', () => {
    const finding = joinersSinceWaves(
      [
        user('joiner1'),
        user('joiner2'),
        user('leaver', { enabled: false }),
        user('in-wave'),
        user('old-hand'),
        user('migrated', { direct: false }),
      ],
      new Set(['in-wave']),
      [
        byScript('joiner1'),
        byScript('joiner2'),
        byScript('leaver'),
        byScript('in-wave'),
        byScript('old-hand', '2025-02-20T02:00:00Z'),
        byScript('migrated'),
        {
          at: '2025-03-02T03:00:00Z',
          actor: 'Microsoft Entra group-Based Licensing',
          actorKind: 'app',
          targetUserId: 'joiner1',
        },
      ],
      FROZEN
    );
    expect(finding).toEqual({
      count: 2,
      actors: [SCRIPT],
      sample: ['joiner1@contoso.example', 'joiner2@contoso.example'],
    });
    expect(describeJoiners(finding)).toMatch(
      /^2 joiners got direct licenses from Contoso nightly license script since the waves were frozen/
    );
  });

  it('says nothing when nobody joined', () => {
    expect(describeJoiners(joinersSinceWaves([user('a')], new Set(), [], FROZEN))).toBeNull();
  });
});
