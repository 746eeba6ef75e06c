import {
  type IngestedSummary,
  KNOWLEDGE_PRIVATE_ACTION,
  type KnowledgeAnswer,
  type KnowledgeSource,
  REPLY_VERSION,
  type ReplyBlock,
  type ReplyInput,
} from '../../src/core/index.ts';

/** An answer as people see it: the text with its [n] citations, the numbered sources, 👍/👎. */
export function answerReply(
  answer: KnowledgeAnswer,
  options: { privately?: boolean; userId?: string } = {},
): ReplyInput {
  const blocks: ReplyBlock[] = [{ type: 'markdown', text: answer.text }];
  if (answer.sources.length > 0) {
    const heading = answer.mode === 'unknown' ? '*Closest sources*' : '*Sources*';
    blocks.push({ type: 'markdown', text: [heading, ...answer.sources.map(sourceLine)].join('\n') });
  }
  blocks.push({ type: 'context', text: modeNote(answer) });
  if (answer.privateMatches > 0 && !options.privately) {
    blocks.push({
      type: 'context',
      text: `Some documents that not everyone here may read look relevant (${answer.privateMatches} passage${answer.privateMatches === 1 ? '' : 's'}). I can answer you privately from them.`,
    });
    blocks.push({
      type: 'buttons',
      buttons: [{ id: KNOWLEDGE_PRIVATE_ACTION, label: 'Answer me privately', style: 'primary' }],
    });
  }
  return {
    v: REPLY_VERSION,
    text: answer.text,
    blocks,
    feedback: true,
    ...(options.privately && options.userId
      ? { visibility: 'ephemeral' as const, ephemeralUser: options.userId }
      : {}),
  };
}

export function sourceLine(source: KnowledgeSource): string {
  const where = [source.title, ...source.headingPath.filter((heading) => heading !== source.title)].join(
    ' › ',
  );
  const label = `${where}${source.page ? ` (p. ${source.page})` : ''}`;
  const link = source.url ? `[${escapeLinkText(label)}](${source.url})` : `${label} — \`${source.uri}\``;
  return `[${source.number}] ${link} · _${source.collection}_`;
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]]/g, '');
}

function modeNote(answer: KnowledgeAnswer): string {
  const searched =
    answer.collections.length > 0
      ? `searched: ${answer.collections.join(', ')}`
      : 'no collection may be read here';
  switch (answer.mode) {
    case 'model':
      return `Answered by ${answer.model ?? 'the model'} from the cited passages · ${searched}`;
    case 'extractive':
      return `Quoted from the best-matching passages (no language model configured) · ${searched}`;
    case 'unknown':
      return `Not confident enough to answer · ${searched}`;
  }
}

export function summaryText(summary: IngestedSummary, what: string): string {
  const parts = [
    `${summary.added} added`,
    `${summary.updated} updated`,
    `${summary.unchanged} unchanged`,
    ...(summary.duplicates ? [`${summary.duplicates} duplicates skipped`] : []),
    ...(summary.removed ? [`${summary.removed} removed`] : []),
  ];
  const failed = summary.failed.map((failure) => `\n• ${failure.uri}: ${failure.error}`).join('');
  return `${what} *${summary.collection}*: ${parts.join(', ')} (${summary.chunks} chunks).${summary.failed.length > 0 ? `\n${summary.failed.length} failed:${failed}` : ''}`;
}
