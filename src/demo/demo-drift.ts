import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { DEVELOPMENT_TOKEN } from '../simulator/development-token';
import { LOOPBACK_CERTIFICATE_PATH } from '../simulator/loopback-certificate';
import type { TenantSimulator } from '../simulator/simulator-server';

/** Enterprise Mobility + Security E3, and its Azure AD Multi-Factor Authentication plan. */
const EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const MFA_PREMIUM = '8a256a2b-b617-496d-b51b-e76466e88db0';

/**
 * The demo's colleague who changes a licensing group after a wave: `change group` in the terminal
 * disables Multi-Factor Authentication on the EMS licensing group, through Graph as the portal would,
 * so the wave's follow-up has something to find.
 */
export async function disableAPlanOnTheLicensingGroup(simulator: TenantSimulator): Promise<string> {
  const group = [...simulator.directory.groups.values()].find(
    (g) => g.licenses.has(EMS) && g.displayName.startsWith('LIC ')
  );
  if (!group) return 'There is no EMS licensing group yet: `assign` creates it.';
  const disabled = group.licenses.get(EMS)?.disabledPlans ?? [];
  if (disabled.includes(MFA_PREMIUM))
    return `"${group.displayName}" already disables Multi-Factor Authentication.`;
  const response = await fetch(`${simulator.baseUrl}/v1.0/groups/${group.id}/assignLicense`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEVELOPMENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      addLicenses: [{ skuId: EMS, disabledPlans: [...disabled, MFA_PREMIUM] }],
      removeLicenses: [],
    }),
    dispatcher: new Agent({ connect: { ca: readFileSync(LOOPBACK_CERTIFICATE_PATH) } }),
  } as RequestInit);
  return response.ok
    ? `A colleague disabled Multi-Factor Authentication on "${group.displayName}". The next follow-up finds who lost it since their wave.`
    : `Graph refused the change (${response.status}).`;
}
