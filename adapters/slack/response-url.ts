import { ChatOpsError } from '../../src/core/index.ts';
import type { RenderedReply } from './render.ts';

/**
 * A slash command's response URL: how the bot answers a command run in a channel it is not a member of
 * (private channels, other people's DMs). Only Slack's own hosts (and the configured Web API host, for
 * GovSlack and test doubles) are posted to, so a stored address cannot send the reply elsewhere.
 */
export async function postToResponseUrl(
  responseUrl: string,
  apiUrl: string,
  responseType: 'in_channel' | 'ephemeral',
  rendered: RenderedReply,
): Promise<void> {
  const url = new URL(responseUrl);
  const apiHost = new URL(apiUrl).host;
  const slackHost = /(^|\.)slack(-gov)?\.com$/.test(url.hostname) && url.protocol === 'https:';
  if (!slackHost && url.host !== apiHost) {
    throw new ChatOpsError(
      'FORBIDDEN',
      `Refusing to post a reply to ${url.host}: not a Slack response URL.`,
      {
        retryable: false,
      },
    );
  }
  for (const part of rendered.messages) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: responseType, text: part.text, blocks: part.blocks }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        `Slack's response URL answered HTTP ${response.status}.`,
        {
          remedy: 'A response URL works for 30 minutes and 5 replies; run the command again if it expired.',
          retryable: response.status >= 500,
        },
      );
    }
  }
}
