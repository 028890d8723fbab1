import { licenseErrorAdvice } from '../../src/domain/license-errors';

describe('advice for group licensing errors', () => {
  it.each([
    'CountViolation',
    'MutuallyExclusiveViolation',
    'DependencyViolation',
    'ProhibitedInUsageLocationViolation',
    'UniquenessViolation',
    'Other',
  ])('says what %s means and how to fix it', (code) => {
    const advice = licenseErrorAdvice(code);
    expect(advice.cause.length).toBeGreaterThan(20);
    expect(advice.fix).toMatch(/reprocess/i);
  });

  it('still gives a next step for a code it does not know, quoting it', () => {
    expect(licenseErrorAdvice('BrandNewViolation').cause).toContain('BrandNewViolation');
  });
});
