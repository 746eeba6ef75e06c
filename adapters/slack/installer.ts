import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Installation, type InstallationStore, InstallProvider } from '@slack/oauth';
import type { Logger } from '../../src/core/index.ts';
import type { SlackInstallation, SlackInstallations } from './ports.ts';
import { BOT_SCOPES } from './scopes.ts';
import { sdkLogger } from './sdk-logger.ts';
import { teamOf } from './team.ts';

export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

export interface SlackInstallerOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  redirectUrl: string | undefined;
  apiUrl: string;
  installations: SlackInstallations;
  log: Logger;
  /** Called after a workspace installed the app (drop cached tokens). */
  onInstalled?: (installation: SlackInstallation) => void;
}

/**
 * Multi-workspace installs with Slack's OAuth v2 flow (@slack/oauth): `/slack/install` starts it (state
 * signed with SLACK_STATE_SECRET and bound to the browser by a cookie, so a callback cannot be forged or
 * replayed), `/slack/oauth_redirect` exchanges the code (`oauth.v2.access`, then `auth.test`) and stores the
 * installation in the database. The Web API host is the configured one, and so is the authorize page's.
 */
export class SlackInstaller {
  readonly #provider: InstallProvider;
  readonly #options: SlackInstallerOptions;

  constructor(options: SlackInstallerOptions) {
    this.#options = options;
    const origin = new URL(options.apiUrl).origin;
    this.#provider = new InstallProvider({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      stateSecret: options.stateSecret,
      installationStore: storeOf(options),
      authorizationUrl: `${origin}/oauth/v2/authorize`,
      clientOptions: { slackApiUrl: options.apiUrl },
      logger: sdkLogger(options.log, 'slack-oauth'),
      installUrlOptions: this.#urlOptions(),
    });
  }

  async handleInstall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.#provider.handleInstallPath(req, res, undefined, this.#urlOptions());
  }

  async handleCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.#provider.handleCallback(req, res, {
      success: (installation, _options, _req, response) => {
        const team = installation.team?.name ?? installation.enterprise?.name ?? 'your workspace';
        page(
          response,
          200,
          'Installed',
          `chatops is installed in ${team}. Mention @chatops or type /chatops help.`,
        );
      },
      failure: (error, _options, _req, response) => {
        this.#options.log.warn('slack-install-failed', {
          code: (error as { code?: string }).code,
          error: error.message,
        });
        page(
          response,
          400,
          'Installation failed',
          'Slack did not complete the installation. Start again from /slack/install.',
        );
      },
    });
  }

  #urlOptions() {
    return {
      scopes: Object.keys(BOT_SCOPES),
      ...(this.#options.redirectUrl ? { redirectUri: this.#options.redirectUrl } : {}),
    };
  }
}

function storeOf(options: SlackInstallerOptions): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const stored = installationOf(installation);
      await options.installations.save(stored);
      options.onInstalled?.(stored);
      options.log.info('slack-app-installed', { tenantId: stored.tenantId, installedBy: stored.installedBy });
    },
    async fetchInstallation(query) {
      const tenantId = query.isEnterpriseInstall ? query.enterpriseId : (query.teamId ?? query.enterpriseId);
      const found = tenantId ? await options.installations.find(tenantId) : null;
      if (!found) throw new Error(`no Slack installation for ${tenantId ?? 'an unknown workspace'}`);
      return {
        team: found.teamId ? { id: found.teamId } : undefined,
        enterprise: found.enterpriseId ? { id: found.enterpriseId } : undefined,
        isEnterpriseInstall: found.isEnterpriseInstall,
        bot: { token: found.botToken, userId: found.botUserId, id: found.botId ?? '', scopes: found.scopes },
        user: { id: found.installedBy ?? '', token: undefined, scopes: undefined },
      };
    },
  };
}

export function installationOf(installation: Installation): SlackInstallation {
  const team = teamOf(installation.team?.id, installation.enterprise?.id, installation.isEnterpriseInstall);
  if (!team || !installation.bot)
    throw new Error('Slack installed the app without a workspace or a bot token');
  return {
    tenantId: team.tenantId,
    teamId: team.teamId,
    enterpriseId: team.enterpriseId,
    isEnterpriseInstall: team.isEnterpriseInstall,
    botToken: installation.bot.token,
    botUserId: installation.bot.userId,
    botId: installation.bot.id || undefined,
    appId: installation.appId,
    scopes: installation.bot.scopes,
    installedBy: installation.user.id || undefined,
  };
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = (value: string) => value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><meta charset="utf-8"><title>${html(title)}</title><h1>${html(title)}</h1><p>${html(text)}</p>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}
