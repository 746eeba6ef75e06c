import type { SkillManifest } from '../core/skill.ts';
import type { Task } from '../core/task.ts';

/** A routing decision for free text: which skill, how sure, and why (shown to people when useful). */
export interface RouteChoice {
  skillId: string;
  confidence: number;
  reason: string;
}

/** Chooses a skill for a message that is not a command. The Claude supervisor implements this too. */
export interface Router {
  readonly name: string;
  route(task: Task, skills: readonly SkillManifest[]): Promise<RouteChoice | null>;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;

export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((word) => word.replace(/'s$/, ''));
}

/**
 * The offline router: no model, no network. It scores each skill by the manifest keywords found in the
 * message (a keyword phrase counts once, longer phrases weigh more) and picks the best, so routing is a
 * table a test can check.
 */
export class KeywordRouter implements Router {
  readonly name = 'keywords';

  async route(task: Task, skills: readonly SkillManifest[]): Promise<RouteChoice | null> {
    const text = ` ${words(task.text).join(' ')} `;
    let best: RouteChoice | null = null;
    for (const skill of skills) {
      const hits = skill.keywords.filter((keyword) => text.includes(` ${words(keyword).join(' ')} `));
      if (hits.length === 0) continue;
      const score = hits.reduce((sum, keyword) => sum + words(keyword).length, 0);
      if (!best || score > best.confidence) {
        best = {
          skillId: skill.id,
          confidence: score,
          reason: `matched ${hits.map((hit) => `"${hit}"`).join(', ')}`,
        };
      }
    }
    return best;
  }
}
