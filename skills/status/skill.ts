import { defineSkill, REPLY_VERSION } from '../../src/core/index.ts';
import { usageDigest } from './digest.ts';

/** `/status`: what is running and how busy it is. The Refresh button asks again. */
export const statusSkill = defineSkill({
  id: 'status',
  description: 'Shows the bot version, uptime, mode, database, queue depth and language model.',
  commands: [
    {
      name: 'status',
      description: 'Show version, uptime, queue depth and mode.',
      usage: '/status',
      examples: ['/status'],
    },
  ],
  keywords: ['status', 'uptime', 'health', 'queue depth', 'version', 'are you alive'],
  examples: ['are you up?', 'what version are you running', 'how deep is the queue'],
  digests: [usageDigest],
  async handle(ctx) {
    const depth = await ctx.system.queueDepth();
    const uptimeSeconds = Math.round((Date.now() - ctx.system.startedAt.getTime()) / 1000);
    const model = ctx.system.languageModel ?? 'none configured (offline router)';
    await ctx.reply({
      v: REPLY_VERSION,
      text: `chatops ${ctx.system.version} is up ${formatDuration(uptimeSeconds)}; queue: ${depth.waiting} waiting, ${depth.active} running.`,
      blocks: [
        { type: 'markdown', text: `*chatops ${ctx.system.version}* is up.` },
        {
          type: 'fields',
          fields: [
            { label: 'Uptime', value: formatDuration(uptimeSeconds) },
            { label: 'Mode', value: ctx.system.mode },
            { label: 'Database', value: ctx.system.database },
            { label: 'Language model', value: model },
            {
              label: 'Queue',
              value: `${depth.waiting} waiting · ${depth.active} running · ${depth.delayed} delayed · ${depth.failed} failed`,
            },
          ],
        },
        { type: 'buttons', buttons: [{ id: 'status.refresh', label: 'Refresh', style: 'default' }] },
      ],
    });
  },
});

export function formatDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`, `${seconds}s`].filter(
    Boolean,
  );
  return parts.slice(0, 3).join(' ');
}
