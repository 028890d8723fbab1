/** The bearer token the tenant simulator accepts unless started with `--token`; never valid on real Graph. */
export const DEVELOPMENT_TOKEN = 'tenant-simulator-development-token';
