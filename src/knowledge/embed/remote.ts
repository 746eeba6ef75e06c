import { z } from 'zod';
import { ChatOpsError } from '../../core/errors.ts';
import type { EmbeddingProvider } from './provider.ts';

/**
 * Hosted embedding models over their documented REST APIs: Voyage AI (`POST /v1/embeddings` with
 * `input_type` and `output_dimension`) and any OpenAI-compatible server (`POST /v1/embeddings` with
 * `dimensions`). Both answer `{ data: [{ embedding, index }], model, usage }`; the answer is checked, and
 * vectors are put back in input order by `index`.
 */
const EmbeddingsAnswer = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().nonnegative() })),
  model: z.string().optional(),
});

const BATCH = 96;

interface RemoteSettings {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  dimensions: number | undefined;
}

abstract class RemoteEmbeddings implements EmbeddingProvider {
  abstract readonly name: string;
  readonly model: string;
  dimensions: number | null;
  /** The size asked for (KB_EMBEDDING_DIMENSIONS), or undefined for the model's own. */
  protected readonly requestedDimensions: number | undefined;
  readonly #settings: RemoteSettings;
  readonly #fetch: typeof fetch;

  constructor(settings: RemoteSettings, fetcher: typeof fetch = fetch) {
    this.#settings = settings;
    this.model = settings.model;
    this.dimensions = settings.dimensions ?? null;
    this.requestedDimensions = settings.dimensions;
    this.#fetch = fetcher;
  }

  protected abstract body(texts: readonly string[], purpose: 'document' | 'query'): Record<string, unknown>;

  async embed(texts: readonly string[], purpose: 'document' | 'query'): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      vectors.push(...(await this.#request(texts.slice(start, start + BATCH), purpose)));
    }
    if (vectors[0]) this.dimensions = vectors[0].length;
    return vectors;
  }

  async #request(texts: readonly string[], purpose: 'document' | 'query'): Promise<number[][]> {
    const url = `${this.#settings.baseUrl.replace(/\/$/, '')}/embeddings`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#settings.apiKey ? { authorization: `Bearer ${this.#settings.apiKey}` } : {}),
        },
        body: JSON.stringify(this.body(texts, purpose)),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', `The ${this.name} embeddings API is unreachable.`, {
        remedy: `Check ${url} and the network; the task is retried.`,
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok) throw this.#failure(response.status, text);
    const parsed = EmbeddingsAnswer.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.data.length !== texts.length) {
      throw new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        `The ${this.name} embeddings API gave an unexpected answer.`,
        {
          remedy: 'Check that the URL points at an embeddings endpoint and the model exists.',
          retryable: false,
        },
      );
    }
    return [...parsed.data.data]
      .sort((left, right) => left.index - right.index)
      .map((item) => item.embedding);
  }

  #failure(status: number, body: string): ChatOpsError {
    const detail = body.slice(0, 300);
    if (status === 401 || status === 403) {
      return new ChatOpsError(
        'CONFIG_INVALID',
        `The ${this.name} embeddings API refused the key (${status}).`,
        {
          remedy: `Check the API key setting for KB_EMBEDDINGS=${this.name}.`,
        },
      );
    }
    if (status === 429 || status >= 500) {
      return new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        `The ${this.name} embeddings API answered ${status}.`,
        {
          remedy: 'It is busy or down; the task is retried with backoff.',
          details: { status },
        },
      );
    }
    return new ChatOpsError(
      'VALIDATION_FAILED',
      `The ${this.name} embeddings API rejected the request (${status}): ${detail}`,
      {
        remedy: 'Check the model name and KB_EMBEDDING_DIMENSIONS for this provider.',
        details: { status },
      },
    );
  }
}

export class VoyageEmbeddings extends RemoteEmbeddings {
  readonly name = 'voyage';

  protected body(texts: readonly string[], purpose: 'document' | 'query') {
    return {
      input: texts,
      model: this.model,
      input_type: purpose,
      truncation: true,
      ...(this.requestedDimensions ? { output_dimension: this.requestedDimensions } : {}),
    };
  }
}

export class OpenAiCompatibleEmbeddings extends RemoteEmbeddings {
  readonly name = 'openai';

  protected body(texts: readonly string[]) {
    return {
      input: texts,
      model: this.model,
      encoding_format: 'float',
      ...(this.requestedDimensions ? { dimensions: this.requestedDimensions } : {}),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
