/** How the bot reaches Microsoft Graph: the endpoint and the credential, as chosen by configuration. */
export type GraphCredentialSettings =
  | {
      readonly kind: 'development-token';
      readonly token: string;
      /** The app the token stands for, when known (the simulator's development app). */
      readonly appId?: string;
    }
  | { readonly kind: 'managed-identity'; readonly clientId?: string }
  | {
      readonly kind: 'client-secret';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly kind: 'certificate';
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePath: string;
    };

export interface GraphSettings {
  /** `https://graph.microsoft.com`, or the tenant simulator's loopback address; no version segment. */
  readonly baseUrl: string;
  readonly credential: GraphCredentialSettings;
  /** A CA certificate (PEM) to trust for this endpoint only: the simulator's, on loopback. */
  readonly trustedCertificatePath?: string;
}

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The application id the bot acts as in Graph, when the settings say (its own audit entries carry it). */
export function graphAppId(credential: GraphCredentialSettings): string | undefined {
  if (credential.kind === 'development-token') return credential.appId;
  return credential.clientId;
}
