import type { SkillManifest } from '../../core/skill.ts';
import {
  allStems,
  cosine,
  isStopword,
  TextEmbedder,
  type Vector,
} from '../../knowledge/embed/text-embedding.ts';

/** Which skill the offline router chose for a message, how sure it is, and why. */
export interface OfflineChoice {
  skillId: string;
  confidence: number;
  /** Why, shown to people under the answer ("keywords \"deploy\""). */
  reason: string;
  /** A command mention or keyword hit, or a close match: strong enough to leave a sticky thread's skill. */
  strong: boolean;
}

interface SkillIndex {
  id: string;
  keywordStems: string[][];
  /** Content words count fully; a phrase of stopwords only ("how do i") counts half. */
  keywordWeights: number[];
  commands: string[];
  examples: { text: string; vector: Vector }[];
  centroid: Vector;
}

const KEYWORD_WEIGHT = 0.3;
const MIN_SIMILARITY = 0.12;
const STRONG_SIMILARITY = 0.42;

/**
 * The router that needs no model: commands mentioned in the text, manifest keywords (word forms included),
 * and similarity of the request to each skill's description, examples and keywords. Deterministic, so the
 * routing table test can hold it to an accuracy.
 */
export class OfflineRouter {
  readonly #indexes = new WeakMap<
    readonly SkillManifest[],
    { embedder: TextEmbedder; skills: SkillIndex[] }
  >();

  choose(text: string, skills: readonly SkillManifest[]): OfflineChoice | null {
    const { embedder, skills: indexes } = this.#index(skills);
    const mentioned = /(?:^|\s)\/([a-z][a-z0-9-]{0,31})\b/.exec(text)?.[1];
    const byCommand = mentioned ? indexes.find((index) => index.commands.includes(mentioned)) : undefined;
    if (byCommand) {
      return { skillId: byCommand.id, confidence: 1, strong: true, reason: `mentions /${mentioned}` };
    }
    const words = allStems(text);
    const query = embedder.embed(text);
    const scored = indexes.map((index) => {
      const hits = index.keywordStems.filter((keyword) => containsPhrase(words, keyword));
      const keywordScore =
        index.keywordStems.reduce(
          (sum, keyword, position) =>
            hits.includes(keyword) ? sum + (index.keywordWeights[position] ?? 1) : sum,
          0,
        ) * KEYWORD_WEIGHT;
      let best = { text: '', similarity: 0 };
      for (const example of index.examples) {
        const similarity = cosine(query, example.vector);
        if (similarity > best.similarity) best = { text: example.text, similarity };
      }
      const similarity = 0.75 * best.similarity + 0.25 * Math.max(0, cosine(query, index.centroid));
      return { index, hits, keywordScore, similarity, example: best.text, score: keywordScore + similarity };
    });
    scored.sort((left, right) => right.score - left.score);
    const top = scored[0];
    if (!top || (top.hits.length === 0 && top.similarity < MIN_SIMILARITY)) return null;
    const reason =
      top.hits.length > 0
        ? `keywords ${top.hits.map((hit) => `"${hit.join(' ')}"`).join(', ')}`
        : `similar to "${top.example}" (${top.similarity.toFixed(2)})`;
    return {
      skillId: top.index.id,
      confidence: Math.round(top.score * 100) / 100,
      strong: top.hits.length > 0 || top.similarity >= STRONG_SIMILARITY,
      reason,
    };
  }

  #index(all: readonly SkillManifest[]) {
    const cached = this.#indexes.get(all);
    if (cached) return cached;
    // A skill without keywords or examples is command-only (like /run): free text never reaches it.
    const skills = all.filter((skill) => skill.keywords.length > 0 || skill.examples.length > 0);
    const documents = skills.map((skill) => [
      skill.description,
      ...skill.keywords,
      ...skill.examples,
      ...skill.commands.flatMap((command) => [command.description, ...command.examples.map(stripCommand)]),
    ]);
    const embedder = new TextEmbedder(documents.flat());
    const indexes = skills.map((skill, position): SkillIndex => {
      const texts = (documents[position] ?? []).filter((text) => text.trim().length > 0);
      return {
        id: skill.id,
        keywordStems: skill.keywords.map(allStems).filter((keyword) => keyword.length > 0),
        keywordWeights: skill.keywords
          .map(allStems)
          .filter((keyword) => keyword.length > 0)
          .map(phraseWeight),
        commands: skill.commands.map((command) => command.name),
        examples: texts.map((text) => ({ text, vector: embedder.embed(text) })),
        centroid: embedder.embed(texts.join('. ')),
      };
    });
    const built = { embedder, skills: indexes };
    this.#indexes.set(all, built);
    return built;
  }
}

function phraseWeight(phrase: readonly string[]): number {
  const content = phrase.filter((word) => !isStopword(word)).length;
  return content > 0 ? content : 0.5;
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return true;
  }
  return false;
}

// `/deploy-cluster env=prod size=3` → `deploy cluster`: the command example's words, not its syntax.
function stripCommand(example: string): string {
  return example
    .replace(/^\/[a-z0-9-]+/, (command) => command.slice(1).replace(/-/g, ' '))
    .replace(/\w+=\S+/g, '');
}
