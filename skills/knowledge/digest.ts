import type {
  DigestContent,
  DigestContext,
  DigestKindDefinition,
  KnowledgeQuestion,
  ReplyBlock,
} from '../../src/core/index.ts';

/**
 * The knowledge digest: what changed in the documents this channel may read, which questions went
 * unanswered ("I don't know"), and which answers got a 👎 — the gaps worth filling. Question texts are
 * shown for questions asked in the digest's own channel (others are counted), unless an operator set
 * `questions=all`. A period with none of these is quiet.
 */
export const knowledgeDigest: DigestKindDefinition = {
  kind: 'knowledge',
  description: 'Documents added or changed, questions the knowledge base could not answer, and 👎 answers.',
  requires: ['knowledge'],
  options: [
    {
      name: 'questions',
      description: 'Show the texts of questions asked here only, or everywhere (operators only).',
      choices: ['here', 'all'],
      default: 'here',
      operatorChoices: ['all'],
    },
  ],
  build: buildKnowledgeDigest,
};

const MAX_LINES = 10;

export async function buildKnowledgeDigest(ctx: DigestContext): Promise<DigestContent> {
  const source = ctx.sources.knowledge;
  if (!source) throw new Error('the knowledge digest needs the knowledge source');
  const activity = await source.activity(ctx.period, {
    questionsFrom: ctx.options.questions === 'all' ? 'all' : 'here',
  });
  const added = activity.documents.filter((document) => document.change === 'added').length;
  const updated = activity.documents.length - added;
  const unanswered = activity.unanswered.length + activity.unansweredElsewhere;
  const downvoted = activity.downvoted.length + activity.downvotedElsewhere;
  const figures = { documentsAdded: added, documentsUpdated: updated, unanswered, downvoted };
  const parts = [
    activity.documents.length > 0 ? `${count(added, 'document')} added, ${updated} updated` : '',
    unanswered > 0 ? `${count(unanswered, 'question')} went unanswered` : '',
    downvoted > 0 ? `${count(downvoted, 'answer')} got a 👎` : '',
  ].filter(Boolean);
  if (parts.length === 0) {
    return {
      headline: 'No documents changed, and every question found an answer.',
      quiet: true,
      blocks: [],
      figures,
    };
  }
  const blocks: ReplyBlock[] = [];
  if (activity.documents.length > 0) {
    blocks.push({
      type: 'table',
      columns: ['Collection', 'Document', 'Change'],
      rows: activity.documents.map((document) => [
        document.collection,
        document.title.slice(0, 200),
        document.change === 'added' ? 'added' : `updated (v${document.version})`,
      ]),
    });
  }
  blocks.push(
    ...questions('Unanswered — worth a document:', activity.unanswered, activity.unansweredElsewhere),
    ...questions('Answers people marked 👎:', activity.downvoted, activity.downvotedElsewhere),
  );
  return { headline: `${capitalise(parts.join('; '))}.`, quiet: false, blocks, figures };
}

function questions(title: string, shown: KnowledgeQuestion[], elsewhere: number): ReplyBlock[] {
  if (shown.length === 0 && elsewhere === 0) return [];
  const lines = shown
    .slice(0, MAX_LINES)
    .map(
      (entry) =>
        `• ${entry.question.replace(/\s+/g, ' ').slice(0, 200)}${entry.votes > 1 ? ` (${entry.votes} 👎)` : ''}`,
    );
  const more = shown.length > MAX_LINES ? [`…and ${shown.length - MAX_LINES} more`] : [];
  const blocks: ReplyBlock[] = [];
  if (lines.length > 0) blocks.push({ type: 'markdown', text: [`*${title}*`, ...lines, ...more].join('\n') });
  if (elsewhere > 0) {
    blocks.push({
      type: 'context',
      text: `${title.replace(/[:—].*$/, '').trim()}: ${elsewhere} more in other channels (their texts stay there).`,
    });
  }
  return blocks;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
