import { z } from 'zod';
import type { Variable, VariableValues } from './variables.ts';

/**
 * The knowledge base: which embedding provider turns text into vectors (the offline default needs nothing),
 * the Voyage AI or OpenAI-compatible endpoint when one is chosen, GitHub for repository sources, and the
 * limits of URL ingestion.
 */
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/ });

export const KNOWLEDGE_VARIABLES = [
  {
    name: 'KB_EMBEDDINGS',
    schema: z.enum(['hashing', 'voyage', 'openai']),
    defaultValue: 'hashing',
    description:
      'Embedding provider of the knowledge base: hashing (offline, no download: hashed word, word-pair and character-trigram features), voyage (Voyage AI) or openai (any OpenAI-compatible /embeddings endpoint). Changing it needs `chatops kb reembed`.',
    remedy: 'Set KB_EMBEDDINGS to hashing, voyage or openai.',
  },
  {
    name: 'VOYAGE_API_KEY',
    schema: z.string().min(10),
    description: 'Voyage AI API key (KB_EMBEDDINGS=voyage).',
    remedy: 'Paste the key from the Voyage AI dashboard, or choose another KB_EMBEDDINGS provider.',
    secret: true,
  },
  {
    name: 'VOYAGE_MODEL',
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,60}$/),
    defaultValue: 'voyage-3.5',
    description: 'Voyage AI embedding model, e.g. voyage-3.5, voyage-3.5-lite or voyage-code-3.',
    remedy: 'Set a model name from the Voyage AI documentation, e.g. VOYAGE_MODEL=voyage-3.5.',
  },
  {
    name: 'VOYAGE_BASE_URL',
    schema: httpUrl,
    defaultValue: 'https://api.voyageai.com/v1',
    description: 'Voyage AI API base URL (the embeddings endpoint is <base>/embeddings).',
    remedy: 'Use an http(s) URL such as https://api.voyageai.com/v1.',
  },
  {
    name: 'OPENAI_EMBEDDINGS_URL',
    schema: httpUrl,
    description:
      'Base URL of an OpenAI-compatible embeddings API (KB_EMBEDDINGS=openai), e.g. https://api.openai.com/v1 or a local server; requests go to <base>/embeddings.',
    remedy: 'Use the API base URL without /embeddings, e.g. https://api.openai.com/v1.',
  },
  {
    name: 'OPENAI_EMBEDDINGS_API_KEY',
    schema: z.string().min(1),
    description: 'Bearer key of that endpoint (unset for servers without authentication).',
    remedy: 'Paste the API key, or unset it for an endpoint without authentication.',
    secret: true,
  },
  {
    name: 'OPENAI_EMBEDDINGS_MODEL',
    schema: z.string().min(1).max(200),
    defaultValue: 'text-embedding-3-small',
    description: 'Embedding model name sent to the OpenAI-compatible endpoint.',
    remedy: 'Set the model name the endpoint serves, e.g. text-embedding-3-small.',
  },
  {
    name: 'KB_EMBEDDING_DIMENSIONS',
    schema: positiveInt(2000),
    description:
      'Vector size to ask the provider for (Voyage output_dimension, OpenAI dimensions). Unset: the model default. pgvector indexes at most 2000.',
    remedy: 'Set a whole number from 1 to 2000 that the model supports, e.g. 1024.',
  },
  {
    name: 'KB_RERANK',
    schema: z.enum(['on', 'off']),
    defaultValue: 'off',
    description: 'on: Claude re-orders the retrieved passages before answering (needs ANTHROPIC_API_KEY).',
    remedy: 'Set KB_RERANK to on or off.',
  },
  {
    name: 'GITHUB_API_URL',
    schema: httpUrl,
    defaultValue: 'https://api.github.com',
    description:
      'GitHub REST API base URL for repository sources and the deploy executor (GitHub Enterprise: https://host/api/v3).',
    remedy: 'Use an http(s) URL such as https://api.github.com.',
  },
  {
    name: 'GITHUB_TOKEN',
    schema: z.string().min(10),
    description:
      'GitHub token for repository sources (private repositories, higher rate limits) and for the deploy executor (needs actions: write on DEPLOY_GITHUB_REPO).',
    remedy: 'Create a fine-grained token with read access to the repository contents.',
    secret: true,
  },
  {
    name: 'KB_URL_MAX_BYTES',
    schema: positiveInt(200_000_000),
    defaultValue: '20000000',
    description: 'Largest document the knowledge base downloads from a URL or a chat file.',
    remedy: 'Set KB_URL_MAX_BYTES to a byte count, e.g. 20000000.',
  },
  {
    name: 'KB_URL_TIMEOUT_MS',
    schema: positiveInt(600_000),
    defaultValue: '20000',
    description: 'Longest time one download may take (all redirects included).',
    remedy: 'Set KB_URL_TIMEOUT_MS to milliseconds, e.g. 20000.',
  },
] as const satisfies readonly Variable[];

export interface KnowledgeConfig {
  readonly embeddings:
    | { readonly provider: 'hashing' }
    | {
        readonly provider: 'voyage';
        readonly apiKey: string;
        readonly model: string;
        readonly baseUrl: string;
        readonly dimensions: number | undefined;
      }
    | {
        readonly provider: 'openai';
        readonly apiKey: string | undefined;
        readonly model: string;
        readonly baseUrl: string;
        readonly dimensions: number | undefined;
      };
  readonly rerank: boolean;
  readonly github: { readonly apiUrl: string; readonly token: string | undefined };
  readonly download: { readonly maxBytes: number; readonly timeoutMs: number };
}

/** Builds the knowledge section; a provider chosen without its settings is a start-up error. */
export function knowledgeConfig(
  values: VariableValues<typeof KNOWLEDGE_VARIABLES>,
  problem: (message: string, remedy: string) => Error,
): KnowledgeConfig {
  const dimensions = values.KB_EMBEDDING_DIMENSIONS;
  const provider = values.KB_EMBEDDINGS;
  let embeddings: KnowledgeConfig['embeddings'] = { provider: 'hashing' };
  if (provider === 'voyage') {
    const apiKey = values.VOYAGE_API_KEY;
    if (!apiKey) throw problem('KB_EMBEDDINGS=voyage but VOYAGE_API_KEY is unset.', 'Set VOYAGE_API_KEY.');
    embeddings = {
      provider,
      apiKey,
      model: values.VOYAGE_MODEL,
      baseUrl: values.VOYAGE_BASE_URL,
      dimensions,
    };
  } else if (provider === 'openai') {
    const baseUrl = values.OPENAI_EMBEDDINGS_URL;
    if (!baseUrl) {
      throw problem(
        'KB_EMBEDDINGS=openai but OPENAI_EMBEDDINGS_URL is unset.',
        'Set OPENAI_EMBEDDINGS_URL, e.g. https://api.openai.com/v1.',
      );
    }
    embeddings = {
      provider,
      apiKey: values.OPENAI_EMBEDDINGS_API_KEY,
      model: values.OPENAI_EMBEDDINGS_MODEL,
      baseUrl,
      dimensions,
    };
  }
  return {
    embeddings,
    rerank: values.KB_RERANK === 'on',
    github: { apiUrl: values.GITHUB_API_URL, token: values.GITHUB_TOKEN },
    download: {
      maxBytes: values.KB_URL_MAX_BYTES,
      timeoutMs: values.KB_URL_TIMEOUT_MS,
    },
  };
}
