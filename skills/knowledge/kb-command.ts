import { ChatOpsError, type KnowledgePort, REPLY_VERSION, type SkillContext } from '../../src/core/index.ts';
import { summaryText } from './render.ts';

/** `/kb add|sync|ingest|list`: the knowledge base from chat (and what scheduled re-syncs run). */
export async function kbCommand(ctx: SkillContext, knowledge: KnowledgePort): Promise<void> {
  const [verb = 'list', ...rest] = ctx.task.text.trim().split(/\s+/).filter(Boolean);
  const collection = ctx.task.args?.collection;
  const progress = async (done: number, total: number) => {
    await ctx.progress(`Reading documents… ${done}/${total}`, total > 0 ? (100 * done) / total : undefined);
  };
  const needCollection = () => {
    if (collection) return collection;
    throw new ChatOpsError('VALIDATION_FAILED', `/kb ${verb} needs a collection.`, {
      remedy: `Say which one: /kb ${verb}${verb === 'ingest' ? ' <url>' : ''} collection=<name>.`,
    });
  };
  switch (verb) {
    case 'add': {
      const name = needCollection();
      const files = await knowledge.threadFiles();
      if (files.length === 0) {
        throw new ChatOpsError('VALIDATION_FAILED', 'No files were shared in this thread.', {
          remedy:
            'Attach the documents to a message in this thread, then run /kb add collection=<name> here.',
        });
      }
      await ctx.progress(`Adding ${files.length} file(s) to ${name}…`, 0);
      await ctx.reply(summaryText(await knowledge.ingestFiles(name, files, progress), 'Added to'));
      return;
    }
    case 'sync': {
      const name = needCollection();
      await ctx.progress(`Re-syncing ${name}…`, 0);
      await ctx.reply(summaryText(await knowledge.sync(name, progress), 'Re-synced'));
      return;
    }
    case 'ingest': {
      const name = needCollection();
      const source = rest.join(' ');
      if (!source)
        throw new ChatOpsError('VALIDATION_FAILED', '/kb ingest needs a source.', {
          remedy: 'Give a URL or github:owner/repo.',
        });
      await ctx.progress(`Ingesting ${source} into ${name}…`, 0);
      await ctx.reply(summaryText(await knowledge.ingestSource(name, source, progress), 'Ingested into'));
      return;
    }
    case 'list': {
      const collections = await knowledge.collections();
      if (collections.length === 0) {
        await ctx.reply(
          'No collection may be read here. Ask an operator: `chatops kb ingest <path|url> --collection <name>`.',
        );
        return;
      }
      await ctx.reply({
        v: REPLY_VERSION,
        text: `${collections.length} collection(s) may be read here.`,
        blocks: [
          {
            type: 'table',
            columns: ['Collection', 'Description', 'Documents', 'Chunks'],
            rows: collections.map((entry) => [
              entry.name,
              entry.description,
              String(entry.documents),
              String(entry.chunks),
            ]),
          },
        ],
      });
      return;
    }
    default:
      throw new ChatOpsError('VALIDATION_FAILED', `/kb ${verb} is not a knowledge-base command.`, {
        remedy:
          'Use /kb add collection=<name>, /kb sync collection=<name>, /kb ingest <url> collection=<name> or /kb list.',
      });
  }
}
