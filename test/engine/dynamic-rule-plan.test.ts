import { simulatorGraphClient } from '../support/simulator-graph-client';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { personalMessage } from '../support/teams-activities';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { planGroupsWithRules } from '../../src/engine/plan-groups';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { catalogSku } from '../../src/simulator/sku-catalog';

describe('the plan proposes dynamic membership rules from the tenant it reads', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('reads the attributes a rule would test, by the rules’ names, with every user', async () => {
    simulator = new TenantSimulator({
      tenant: {
        organization: {
          id: '11111111-2222-4333-8444-555555555555',
          displayName: 'Fabrikam',
          countryLetterCode: 'FR',
          defaultDomain: 'fabrikam.example',
        },
        subscribedSkus: [catalogSku('EMS', 10)],
        users: [
          {
            id: 'u-1',
            userPrincipalName: 'ines@fabrikam.example',
            displayName: 'Inès',
            department: 'Treasury',
            jobTitle: 'Controller',
            companyName: 'Fabrikam',
            officeLocation: 'Lyon 2',
            city: 'Lyon',
            state: 'ARA',
            country: 'France',
            employeeId: 'E-7',
            usageLocation: 'FR',
            onPremisesExtensionAttributes: { extensionAttribute7: 'cost-42' },
          },
          { id: 'u-2', userPrincipalName: 'bare@fabrikam.example', displayName: 'Bare' },
        ],
      },
    });
    const reader = new GraphTenantReader(simulatorGraphClient(await simulator.start()));
    const users: UserLicenseSnapshot[] = [];
    await reader.forEachUser((user) => users.push(user));
    expect(users.find((u) => u.id === 'u-1')?.ruleAttributes).toEqual({
      department: 'Treasury',
      jobTitle: 'Controller',
      companyName: 'Fabrikam',
      physicalDeliveryOfficeName: 'Lyon 2',
      city: 'Lyon',
      state: 'ARA',
      country: 'France',
      employeeId: 'E-7',
      usageLocation: 'FR',
      extensionAttribute7: 'cost-42',
    });
    expect(users.find((u) => u.id === 'u-2')?.ruleAttributes).toEqual({});
  });

  it('offers Finance’s variant (user.department -eq "Finance"): 197 of 200 matched, the 3 misspelled or empty named', async () => {
    const tenant = buildDemoTenant();
    // The fixture's Finance people whose department is wrong (FINANCE_DEPARTMENT_MISTAKES).
    const mistaken = tenant.users
      .filter((u) => u.licenses?.length === 2 && u.department !== 'Finance')
      .map((u) => u.userPrincipalName);
    expect(mistaken).toHaveLength(3);
    simulator = new TenantSimulator({ tenant });
    const reader = new GraphTenantReader(simulatorGraphClient(await simulator.start()));
    const { plan, rules } = await planGroupsWithRules(reader);
    const e3 = rules.variants.find((v) => v.skuPartNumber === 'ENTERPRISEPACK');
    expect(e3?.variant).toBe(
      plan.groups.findIndex((g) => g.skuPartNumber === 'ENTERPRISEPACK') + 1
    );
    const best = e3?.candidates[0];
    expect(best?.text).toBe('(user.department -eq "Finance")');
    expect([best?.matched, best?.holders, best?.gains]).toEqual([197, 200, []]);
    expect(best?.misses.map((m) => m.userPrincipalName).sort()).toEqual(mistaken.sort());
    expect(best?.seats).toMatchObject({ newSeats: 0, shortfall: 0 });
    expect(e3?.hygiene.map((h) => [h.kind, h.value])).toEqual(
      expect.arrayContaining([
        ['variant', 'Finanse'],
        ['variant', 'finance '],
        ['empty', null],
      ])
    );
    // Everyone holds EMS E3, which carries P1: the 197 Finance members are covered.
    expect(best?.p1).toMatchObject({ needed: 197, seats: 1100, shortfall: 0, membersWithoutP1: 0 });
  });
});

describe('the plan command in Teams', () => {
  let bot: BotUnderTest;
  afterEach(async () => {
    await bot.stop();
  });

  it('offers Finance’s variant a numbered dynamic rule with its misses named, seats and P1', async () => {
    bot = await startBotUnderTest();
    await bot.post(personalMessage('plan', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    const text = cardTexts(cardOf(reply)).join('\n');
    const e3 = text
      .split('\n')
      .find((t) => /^\d\.1 Dynamic: \(user\.department -eq "Finance"\)$/.test(t));
    expect(e3).toBeDefined();
    const detail = text.slice(text.indexOf(e3 ?? '') + (e3 ?? '').length);
    expect(detail).toMatch(
      /^\nMatches 197 of 200 holders\. Misses 3 \(they stay in a static exceptions group\): /
    );
    expect(detail).toMatch(
      /Gains 0; 0 new seats, 50 free\. Entra ID P1: 197 member\(s\), 1,100 seat\(s\)\./
    );
    expect(detail).toContain('department is "Finanse" for');
    expect(text).toContain('group <variant#> dynamic [candidate#]');
  });
});
