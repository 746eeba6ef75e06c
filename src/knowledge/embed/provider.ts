import type { KnowledgeConfig } from '../../config/load-config.ts';
import { HashingEmbeddings } from './hashing.ts';
import { OpenAiCompatibleEmbeddings, VoyageEmbeddings } from './remote.ts';

/**
 * Turns text into vectors. Documents and queries are embedded separately because some models (Voyage)
 * encode them differently. The provider's name, model and dimension are stored with each collection, so a
 * collection is only ever searched with the model its chunks were embedded with.
 */
export interface EmbeddingProvider {
  /** `hashing`, `voyage` or `openai`. */
  readonly name: string;
  readonly model: string;
  /** Known up front for the offline default; for remote models, learnt from the first answer. */
  readonly dimensions: number | null;
  embed(texts: readonly string[], purpose: 'document' | 'query'): Promise<number[][]>;
}

/** How a collection's vectors were made: the provider, the model and the vector size. */
export interface EmbeddingIdentity {
  provider: string;
  model: string;
  dimensions: number;
}

export function createEmbeddingProvider(config: KnowledgeConfig['embeddings']): EmbeddingProvider {
  switch (config.provider) {
    case 'hashing':
      return new HashingEmbeddings();
    case 'voyage':
      return new VoyageEmbeddings(config);
    case 'openai':
      return new OpenAiCompatibleEmbeddings(config);
  }
}

/** The provider's identity, asking it for one vector when it cannot tell its dimension in advance. */
export async function identityOf(provider: EmbeddingProvider): Promise<EmbeddingIdentity> {
  const dimensions = provider.dimensions ?? (await provider.embed(['dimension probe'], 'query'))[0]?.length;
  if (!dimensions) throw new Error(`embedding provider ${provider.name} returned no vector`);
  return { provider: provider.name, model: provider.model, dimensions };
}

export function sameIdentity(left: EmbeddingIdentity, right: EmbeddingIdentity): boolean {
  return (
    left.provider === right.provider && left.model === right.model && left.dimensions === right.dimensions
  );
}
