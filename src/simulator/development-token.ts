/** The bearer token the tenant simulator accepts unless started with `--token`; never valid on real Graph. */
export const DEVELOPMENT_TOKEN = 'tenant-simulator-development-token';

/** The application the development token stands for: the actor of its changes in the audit log. */
export const DEVELOPMENT_APP = {
  displayName: 'License migration bot',
  appId: 'a1c0ffee-0000-4000-8000-00000000b07a',
} as const;
