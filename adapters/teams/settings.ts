import { type CloudEnvironment, cloudFromName, withOverrides } from '@microsoft/teams.api';

/**
 * What the Teams adapter needs from configuration (src/main.ts passes the `teams` config section; the
 * adapter never reads configuration itself). Null credentials: the local, unauthenticated mode.
 */
export interface TeamsSettings {
  readonly credentials: {
    readonly appId: string;
    readonly appPassword: string;
    /** Set for a single-tenant app registration. */
    readonly tenantId: string | undefined;
  } | null;
  /** Entra tenants whose activities are accepted; undefined: any. */
  readonly allowedTenants: readonly string[] | undefined;
  readonly cloud: 'Public' | 'USGov' | 'USGovDoD' | 'China';
  /** Host patterns (`*.` for subdomains) a serviceUrl may name; the bot's token is sent only there. */
  readonly serviceHosts: readonly string[];
  /** Where the bot posts first in a conversation it has no reference for. */
  readonly defaultServiceUrl: string;
  readonly loginEndpoint: string | undefined;
  readonly openIdMetadataUrl: string | undefined;
}

/** The Microsoft cloud's endpoints, with the overrides for private clouds and test doubles applied. */
export function cloudOf(settings: TeamsSettings): CloudEnvironment {
  return withOverrides(cloudFromName(settings.cloud), {
    ...(settings.loginEndpoint ? { loginEndpoint: settings.loginEndpoint.replace(/\/+$/, '') } : {}),
    ...(settings.openIdMetadataUrl ? { openIdMetadataUrl: settings.openIdMetadataUrl } : {}),
  });
}

/** True when the serviceUrl's host matches one of the patterns (`*.example.com` matches subdomains). */
export function isAllowedServiceUrl(serviceUrl: string, patterns: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      return hostname.endsWith(suffix) || host.endsWith(suffix);
    }
    return pattern === host || pattern === hostname;
  });
}
