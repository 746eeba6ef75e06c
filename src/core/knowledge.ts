import type { TaskFile } from './task.ts';

/**
 * The knowledge port (`ctx.knowledge`): what the knowledge skill may do with the knowledge base, already
 * bound to the task's tenant, channel and caller. Every read goes through the collections that the place
 * may read (in a shared channel: the collections every member may read), so a skill cannot ask for more.
 * The implementation lives in src/knowledge; skills never see the database.
 */

/** One retrieved passage, as answers cite it. */
export interface KnowledgeSource {
  /** 1-based citation number in the answer (`[1]`). */
  number: number;
  collection: string;
  documentId: string;
  chunkId: string;
  title: string;
  /** Where the document came from: an https URL, `github:owner/repo/path`, a file path, a chat file name. */
  uri: string;
  /** A link people can open, when the URI is one. */
  url: string | null;
  headingPath: string[];
  page: number | null;
  /** The passage itself (the whole chunk), and a short snippet for listings. */
  text: string;
  snippet: string;
  /** The fused rank score (higher is better), and the two signals behind it. */
  score: number;
  similarity: number;
  textRank: number;
}

export interface KnowledgeAnswer {
  /** Markdown with numbered citations (`[1]`) into `sources`. */
  text: string;
  /** How it was produced: by the model, extractively (no model), or "I don't know" (low confidence). */
  mode: 'model' | 'extractive' | 'unknown';
  sources: KnowledgeSource[];
  /** The collections that were searched (names). */
  collections: string[];
  /**
   * In a shared channel: collections the asker may read but not every member, which have passages on the
   * question. The skill then offers to answer privately instead of leaking them.
   */
  privateMatches: number;
  /** The model that wrote the answer, when one did. */
  model: string | null;
}

export interface KnowledgeSearchOptions {
  k?: number;
  /** Limit to one collection (still subject to what the place may read). */
  collection?: string;
}

export interface IngestedSummary {
  collection: string;
  added: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  removed: number;
  chunks: number;
  failed: { uri: string; error: string }[];
}

export interface KnowledgeCollectionInfo {
  name: string;
  description: string;
  documents: number;
  chunks: number;
}

export interface KnowledgePort {
  /**
   * Answers from the collections this place may read. `privately` answers with what the caller alone
   * may read (for the "answer privately" offer in a shared channel; the reply must then be ephemeral).
   */
  ask(question: string, options?: KnowledgeSearchOptions & { privately?: boolean }): Promise<KnowledgeAnswer>;
  search(query: string, options?: KnowledgeSearchOptions): Promise<KnowledgeSource[]>;
  /** The collections this place may read. */
  collections(): Promise<KnowledgeCollectionInfo[]>;
  /** Files shared in this thread (this message's and earlier ones'), for `/kb add`. */
  threadFiles(): Promise<TaskFile[]>;
  /** Adds chat files to a collection the caller may edit; reports progress as it goes. */
  ingestFiles(
    collection: string,
    files: readonly TaskFile[],
    progress: (done: number, total: number) => Promise<void>,
  ): Promise<IngestedSummary>;
  /** Re-reads every source of a collection (scheduled re-sync); documents gone from a source are removed. */
  sync(
    collection: string,
    progress: (done: number, total: number) => Promise<void>,
  ): Promise<IngestedSummary>;
  /** Ingests a URL or `github:owner/repo` source into a collection (queued ingests from the CLI and REST). */
  ingestSource(
    collection: string,
    source: string,
    progress: (done: number, total: number) => Promise<void>,
  ): Promise<IngestedSummary>;
  /**
   * Adds (or replaces, by URI) one generated document, e.g. a deployment's runbook in `deployments`; the
   * collection is created, readable by the whole tenant, when it does not exist. Absent where the runtime
   * has no knowledge base.
   */
  addDocument?(
    collection: string,
    document: { uri: string; title: string; markdown: string },
  ): Promise<IngestedSummary>;
  /** Remembers what an answer message said, so feedback on it is stored with question, answer and sources. */
  recordAnswer(messageId: string, question: string, answer: KnowledgeAnswer): Promise<void>;
  /** The question behind an answer message, for "answer privately" clicks. */
  questionOf(messageId: string): Promise<string | null>;
  /** 👍 / 👎 on a message; a person's second click replaces their first. */
  recordFeedback(messageId: string, vote: 'up' | 'down'): Promise<{ recorded: boolean }>;
}

/** Buttons of the knowledge skill (the action id's prefix routes the click back to it). */
export const KNOWLEDGE_PRIVATE_ACTION = 'knowledge.private';
