import type { EmbeddingProvider } from '../../src/knowledge/embed/provider.ts';
import { seeded } from './corpus.ts';

/**
 * Vectors shaped like a semantic model's (Voyage, OpenAI): points around 200 topic centres with Gaussian
 * spread, deterministic per text. Feature-hashed vectors have flat neighbourhoods (apart from the best
 * match, every chunk is about as far as the next), which no graph index navigates well; this provider
 * measures the HNSW index on the kind of vectors it is built for, through the same re-embed path.
 */
export class ClusteredEmbeddings implements EmbeddingProvider {
  readonly name = 'clustered';
  readonly model = 'gaussian-topics-512';
  readonly dimensions = 512;
  readonly #centres: Float64Array[];

  constructor(clusters = 200) {
    const random = seeded(7);
    this.#centres = Array.from({ length: clusters }, () =>
      normalise(Float64Array.from({ length: 512 }, () => gaussian(random))),
    );
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.near(hash(text), 0.045));
  }

  /** A point near a centre: `seed` picks the centre and the noise. */
  near(seed: number, spread: number): number[] {
    const random = seeded(seed);
    const centre = this.#centres[seed % this.#centres.length] as Float64Array;
    const point = Float64Array.from(centre, (value) => value + gaussian(random) * spread);
    return Array.from(normalise(point), (value) => Math.round(value * 1e6) / 1e6);
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function normalise(vector: Float64Array): Float64Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = 1 / Math.sqrt(norm || 1);
  return vector.map((value) => value * scale);
}

function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1)
    value = Math.imul(value ^ text.charCodeAt(index), 0x01000193);
  return value >>> 0;
}
