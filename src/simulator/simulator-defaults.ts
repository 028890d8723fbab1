import type { TenantSimulatorDefaults } from '../config';
import { DEVELOPMENT_APP, DEVELOPMENT_TOKEN } from './development-token';
import { LOOPBACK_CERTIFICATE_PATH } from './loopback-certificate';

/** What the bot's settings need to talk to this simulator on loopback (see TenantSimulatorDefaults). */
export const TENANT_SIMULATOR_DEFAULTS: TenantSimulatorDefaults = {
  token: DEVELOPMENT_TOKEN,
  appId: DEVELOPMENT_APP.appId,
  certificatePath: LOOPBACK_CERTIFICATE_PATH,
};
