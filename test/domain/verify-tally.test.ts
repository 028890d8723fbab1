import fc from 'fast-check';
import type { LicenseAssignmentSnapshot, UserLicenseSnapshot } from '../../src/domain/licenses';
import { decideDirectRemovals, type RemovalContext } from '../../src/domain/removal-safety';
import { KEPT_EXAMPLES, VerifyTally, type VerifyRow } from '../../src/domain/verify-tally';
import { splitCandidatesIntoWaves } from '../../src/domain/wave-candidates';
import { splitIntoWaves, type WaveEntry, type WaveSizes } from '../../src/domain/waves';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import { e3Snapshot } from '../fixtures/skus';
import { InMemoryDirectory, activeRow, userNamed } from '../support/in-memory-directory';
import { verifyCard } from '../../src/teams/cards/verify-card';
import { cardTexts } from '../support/connector-stand-in';

const E3 = e3Snapshot();
const CONTEXT: RemovalContext = {
  skus: new Map([[E3.skuId, E3]]),
  groupNames: new Map([
    ['g1', 'LIC E3'],
    ['g2', 'LIC E3 no Yammer'],
  ]),
};

/** Verification as it was before the tally: a row per decision and every candidate as an object. */
function verifiedRowByRow(users: readonly UserLicenseSnapshot[]) {
  const rows: VerifyRow[] = [];
  const candidates: WaveEntry[] = [];
  const summary: Record<string, { remove: number; skip: number }> = {};
  for (const user of users)
    for (const decision of decideDirectRemovals(user, CONTEXT)) {
      rows.push({
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        skuId: decision.skuId,
        decision: decision.decision,
        reason: decision.reason,
      });
      if (decision.decision === 'remove')
        candidates.push({
          userId: user.id,
          userPrincipalName: user.userPrincipalName,
          skuId: decision.skuId,
          disabledPlans:
            user.licenseAssignmentStates.find(
              (r) => r.skuId === decision.skuId && r.assignedByGroup === null
            )?.disabledPlans ?? [],
        });
      const label = CONTEXT.skus.get(decision.skuId)?.skuPartNumber ?? decision.skuId;
      (summary[label] ??= { remove: 0, skip: 0 })[decision.decision]++;
    }
  const passing = rows.filter((r) => r.decision === 'remove');
  const spotCheck = [0, Math.floor(passing.length / 2), passing.length - 1]
    .filter((i, n, all) => i >= 0 && i < passing.length && all.indexOf(i) === n)
    .map((i) => passing[i]);
  return { rows, candidates, summary, spotCheck };
}

const plans = fc.subarray(['p-mail', 'p-yammer', 'p-sway']);
const row: fc.Arbitrary<LicenseAssignmentSnapshot> = fc.record({
  skuId: fc.constantFrom(E3.skuId, 'sku-gone'),
  assignedByGroup: fc.constantFrom(null, 'g1', 'g2', 'g-unknown'),
  disabledPlans: plans,
  state: fc.constantFrom('Active', 'Active', 'Error', 'ActiveWithError'),
  error: fc.constantFrom('None', 'None', 'CountViolation'),
});
const users = fc.array(fc.array(row, { maxLength: 4 }), { maxLength: 60 }).map((rowsPerUser) =>
  rowsPerUser.map((licenseAssignmentStates, i) => ({
    ...userNamed(`u${i}`),
    licenseAssignmentStates,
  }))
);
const sizes: fc.Arbitrary<WaveSizes> = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([numbers, rest]) => (rest ? [...numbers, 'rest' as const] : numbers));

describe('verification tallied user by user', () => {
  it('shows the same numbers, examples, spot-check and waves as verification row by row', () => {
    fc.assert(
      fc.property(users, sizes, (tenant, waveSizes) => {
        const tally = new VerifyTally(CONTEXT);
        const streamed = tenant.flatMap((user) => tally.add(user));
        const result = tally.result();
        const before = verifiedRowByRow(tenant);
        const kept = before.rows.filter((r) => r.decision === 'skip');

        expect(streamed).toEqual(before.rows);
        expect(Object.entries(result.summary)).toEqual(Object.entries(before.summary));
        expect(result.kept).toBe(kept.length);
        expect(result.keptExamples).toEqual(kept.slice(0, KEPT_EXAMPLES));
        expect(result.spotCheck.map((r) => [r.userPrincipalName, r.reason])).toEqual(
          before.spotCheck.map((r) => [r.userPrincipalName, r.reason])
        );
        expect(result.candidates.entries()).toEqual(before.candidates);
        expect(result.candidates.userCount).toBe(
          new Set(before.candidates.map((c) => c.userId)).size
        );
        expect(splitCandidatesIntoWaves(result.candidates, waveSizes)).toEqual(
          splitIntoWaves(before.candidates, waveSizes)
        );
      })
    );
  });

  it('keeps ten examples of 1,000 users who must stay for the same reason, and counts all 1,000', async () => {
    const holders = (count: number) =>
      new InMemoryDirectory([E3]).withUsers(
        ...Array.from({ length: count }, (_, i) => ({
          ...userNamed(`u${i}`),
          licenseAssignmentStates: [activeRow(E3.skuId, null)],
        }))
      );

    const result = await verifyDirectRemovals(holders(1000));
    const few = await verifyDirectRemovals(holders(KEPT_EXAMPLES));

    expect(result.summary).toEqual({ ENTERPRISEPACK: { remove: 0, skip: 1000 } });
    expect(result.kept).toBe(1000);
    expect(result.keptExamples.map((r) => r.id)).toEqual(
      Array.from({ length: KEPT_EXAMPLES }, (_, i) => `u${i}`)
    );
    // What verification holds does not grow with the tenant: no row per user.
    expect(JSON.stringify(result).length).toBeLessThan(JSON.stringify(few).length + 100);
    // The card lists as many as before and counts the rest.
    const texts = cardTexts(verifyCard(result).content).join('\n');
    expect(texts).toContain('Keep u9@contoso.example');
    expect(texts).not.toContain('Keep u10@contoso.example');
    expect(texts).toContain('And 990 more kept');
  });

  it('keeps one copy of a disabled-plans list that many candidates share', () => {
    const tally = new VerifyTally({
      ...CONTEXT,
      skus: new Map([[E3.skuId, e3Snapshot()]]),
    });
    for (let i = 0; i < 50; i++)
      tally.add({
        ...userNamed(`u${i}`),
        licenseAssignmentStates: [activeRow(E3.skuId, null, ['p-sway']), activeRow(E3.skuId, 'g1')],
      });
    const entries = tally.result().candidates.entries();

    expect(entries).toHaveLength(50);
    expect(new Set(entries.map((e) => e.disabledPlans)).size).toBe(1);
    expect(entries[49]).toEqual({
      userId: 'u49',
      userPrincipalName: 'u49@contoso.example',
      skuId: E3.skuId,
      disabledPlans: ['p-sway'],
    });
  });
});
