import { ChatOpsError, type DigestDraft, type Platform } from '../../src/core/index.ts';

export const ADD_USAGE =
  '/digest add <kind> <when> [in #channel] [tz=Europe/Berlin] [quiet=skip|line] [options], e.g. `/digest add approvals every day at 9:00`';

/**
 * `/digest add <kind> <when> [in #channel] [options]` → a draft. The kind is the first word, the place the
 * trailing `in <channel>`, `key=value` words are options (`tz=` is the zone), and every other word is the
 * when (a phrase or a cron expression, read by parseWhen). Only the typed command is read this way: free
 * text goes through free-text.ts, which reads meaning, never subcommand words.
 */
export function parseAdd(
  words: string,
  args: Readonly<Record<string, string>>,
  here: { platform: Platform; channel: string },
): DigestDraft {
  const [kind = '', ...rest] = words.trim().split(/\s+/).filter(Boolean);
  if (!kind || rest.length === 0) {
    throw new ChatOpsError('VALIDATION_FAILED', `/digest add needs a kind and a time.`, {
      remedy: ADD_USAGE,
    });
  }
  let when = rest.join(' ');
  let place: DigestDraft['place'];
  const target = /\s+(?:in|to)\s+(\S+)$/i.exec(` ${when}`);
  if (target?.[1] && looksLikeChannel(target[1], here.platform)) {
    place = { platform: here.platform, channel: channelOf(target[1], here) };
    when = ` ${when}`.slice(0, target.index).trim();
  }
  const { tz, timezone, ...options } = args;
  const zone = tz ?? timezone;
  return {
    kind: kind.toLowerCase(),
    when,
    ...(place ? { place } : {}),
    ...(zone ? { timeZone: zone } : {}),
    options: { ...options },
  };
}

function looksLikeChannel(token: string, platform: Platform): boolean {
  if (token === 'here' || token.startsWith('#') || token.startsWith('<#')) return true;
  if (platform === 'slack') return /^[CGD][A-Z0-9]{8,}$/.test(token);
  if (platform === 'teams') return /^(19|a|8):/.test(token);
  return false;
}

/**
 * The channel id on this platform: the web chat's channel name, Slack's channel id (an escaped mention
 * `<#C0123ABCDEF|ops>` or the id itself), or a Teams conversation id.
 */
function channelOf(token: string, here: { platform: Platform; channel: string }): string {
  if (token === 'here') return here.channel;
  if (here.platform === 'slack') {
    const id =
      /^<#([CG][A-Z0-9]+)(\|[^>]*)?>$/.exec(token)?.[1] ?? /^#?([CGD][A-Z0-9]{8,})$/.exec(token)?.[1];
    if (id) return id;
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `Slack told me only the name of ${token}, not which channel it is.`,
      {
        remedy:
          'Run /digest add in that channel itself (without "in"), or give the channel id: open the channel’s details, copy the ID (C0…), and write `in C0123ABCDEF`.',
      },
    );
  }
  if (here.platform === 'api') {
    const name = token.replace(/^#/, '');
    if (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(name)) return name;
    throw new ChatOpsError('VALIDATION_FAILED', `"${token}" is not a channel name.`, {
      remedy: 'Channel names are 1-80 letters, digits, ".", "_" or "-", e.g. `in #ops`.',
    });
  }
  if (token.startsWith('#')) {
    throw new ChatOpsError('VALIDATION_FAILED', `Teams does not tell me which channel ${token} is.`, {
      remedy: 'Run /digest add in that channel itself (without "in"); the digest then posts there.',
    });
  }
  return token;
}
