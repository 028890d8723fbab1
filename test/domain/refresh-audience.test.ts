import { REFRESH_USER_LIMIT, refreshAudience } from '../../src/domain/refresh-audience';

describe('who a sign-off card refreshes for', () => {
  const member = (n: number) => ({
    id: `29:m${String(n).padStart(3, '0')}`,
    aadObjectId: `ID-${n}`,
  });

  it('names the approvers among the members by MRI, matching object ids in any case', () => {
    const roster = [member(1), member(2), { id: '29:guest' }];
    expect(refreshAudience(roster, ['id-2', 'id-9'])).toEqual({ userIds: ['29:m002'], left: 0 });
  });

  it('names at most 60 and counts the approvers beyond', () => {
    const roster = Array.from({ length: 75 }, (_, n) => member(n));
    const audience = refreshAudience(
      roster,
      roster.map((m) => m.aadObjectId)
    );
    expect(audience.userIds).toHaveLength(REFRESH_USER_LIMIT);
    expect(audience.left).toBe(15);
  });
});
