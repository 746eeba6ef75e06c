import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { isChatOpsError } from '../../src/core/index.ts';

const APP_ID = '00000000-0000-4000-8000-0000000000b0';
const TENANT = '72f988bf-0000-4000-8000-00000000cafe';

function refusal(env: Record<string, string>, mode: 'dev' | 'gateway' | 'worker' = 'gateway'): string {
  try {
    loadConfig(env, mode);
  } catch (error) {
    if (isChatOpsError(error) && error.code === 'CONFIG_INVALID') return error.explanation;
    throw error;
  }
  return '';
}

describe('Teams configuration', () => {
  it('is off in the gateway without an app id, and on (unauthenticated) in dev', () => {
    expect(loadConfig({}, 'gateway').teams).toMatchObject({ enabled: false, credentials: null });
    expect(loadConfig({}, 'dev').teams).toMatchObject({ enabled: true, credentials: null, cloud: 'Public' });
  });

  it('refuses to start the Teams adapter with half a registration, saying what to set', () => {
    expect(refusal({ TEAMS_APP_ID: APP_ID })).toMatch(/TEAMS_APP_PASSWORD is not.*Set TEAMS_APP_PASSWORD/s);
    expect(refusal({ TEAMS_APP_ID: APP_ID }, 'worker')).toMatch(/TEAMS_APP_PASSWORD/);
    expect(refusal({ TEAMS_APP_ID: APP_ID }, 'dev')).toMatch(/TEAMS_APP_PASSWORD/);
    expect(refusal({ TEAMS_APP_PASSWORD: 'fake-client-secret' })).toMatch(/TEAMS_APP_ID is not/);
    expect(refusal({ TEAMS_APP_ID: 'my-bot' })).toMatch(/TEAMS_APP_ID "my-bot": a GUID/);
  });

  it('takes a multi-tenant or a single-tenant registration', () => {
    const multi = loadConfig({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'fake-client-secret' }, 'gateway');
    expect(multi.teams).toMatchObject({
      enabled: true,
      credentials: { appId: APP_ID, tenantId: undefined },
      allowedTenants: undefined,
    });
    const single = loadConfig(
      { TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'fake-client-secret', TEAMS_APP_TENANT_ID: TENANT },
      'gateway',
    );
    expect(single.teams).toMatchObject({ credentials: { tenantId: TENANT }, allowedTenants: [TENANT] });
    const listed = loadConfig(
      {
        TEAMS_APP_ID: APP_ID,
        TEAMS_APP_PASSWORD: 'fake-client-secret',
        TEAMS_ALLOWED_TENANTS: `${TENANT}, other-tenant`,
      },
      'gateway',
    );
    expect(listed.teams.allowedTenants).toEqual([TENANT, 'other-tenant']);
    expect(listed.teams.serviceHosts).toContain('smba.trafficmanager.net');
  });

  it('never prints the client secret it rejects', () => {
    expect(refusal({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'short' })).toMatch(
      /TEAMS_APP_PASSWORD \(value hidden\)/,
    );
  });
});
