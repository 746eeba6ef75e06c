import { checkCommandArguments, describeArgumentProblems } from './command-arguments.ts';
import type { DigestKind } from './digests.ts';
import { ChatOpsError } from './errors.ts';
import { argumentsFor, type CommandSpec, manifestOf, type Skill, type SkillManifest } from './skill.ts';

/**
 * The installed skills, indexed by id and by command. Routes are data: the command table and `/help`
 * come from the manifests. A duplicate id or command is a start-up error, never a silent override.
 */
export class SkillCatalog {
  readonly skills: readonly Skill[];
  readonly manifests: readonly SkillManifest[];
  readonly #byId = new Map<string, Skill>();
  readonly #byCommand = new Map<string, { skill: Skill; command: CommandSpec }>();
  readonly #digests = new Map<string, { skill: Skill; kind: DigestKind }>();

  constructor(skills: readonly Skill[]) {
    this.skills = skills;
    for (const skill of skills) {
      if (this.#byId.has(skill.id)) {
        throw new ChatOpsError('CONFIG_INVALID', `Two skills share the id "${skill.id}".`, {
          remedy: 'Give each skill in skills/index.ts a unique id.',
        });
      }
      this.#byId.set(skill.id, skill);
      for (const command of skill.commands) {
        const owner = this.#byCommand.get(command.name);
        if (owner) {
          throw new ChatOpsError(
            'CONFIG_INVALID',
            `The command /${command.name} is declared by both "${owner.skill.id}" and "${skill.id}".`,
            { remedy: 'Rename the command in one of the two skill manifests.' },
          );
        }
        this.#byCommand.set(command.name, { skill, command });
      }
      for (const kind of skill.digests) {
        const owner = this.#digests.get(kind.kind);
        if (owner) {
          throw new ChatOpsError(
            'CONFIG_INVALID',
            `The digest kind "${kind.kind}" is declared by both "${owner.skill.id}" and "${skill.id}".`,
            { remedy: 'Rename the digest kind in one of the two skill manifests.' },
          );
        }
        this.#digests.set(kind.kind, { skill, kind });
      }
    }
    this.manifests = skills.map(manifestOf);
  }

  byId(id: string): Skill | undefined {
    return this.#byId.get(id);
  }

  byCommand(name: string): { skill: Skill; command: CommandSpec } | undefined {
    return this.#byCommand.get(name);
  }

  /** A digest kind by name, with the skill that declares it. */
  digestKind(kind: string): { skill: Skill; kind: DigestKind } | undefined {
    return this.#digests.get(kind);
  }

  /** Every installed digest kind, in the order the skills declare them. */
  digestKinds(): DigestKind[] {
    return [...this.#digests.values()].map((entry) => entry.kind);
  }

  commandNames(): string[] {
    return [...this.#byCommand.keys()].sort();
  }

  /** The installed commands as a person reads them in an answer: `/approvals, /ask, /help`. */
  commandList(): string {
    return commandList(this.commandNames());
  }

  /**
   * What a person is told when a command's arguments do not fit its declaration (each problem, then the
   * usage), or null when they fit or the command is not installed. Every receiver answers with this text.
   */
  usageProblem(command: string, args: Readonly<Record<string, string>>, text = ''): string | null {
    const entry = this.byCommand(command);
    if (!entry) return null;
    // A subcommand named by the text's first word brings its own arguments (argumentsFor).
    const problems = checkCommandArguments(argumentsFor(entry.command, text), args);
    if (problems.length === 0) return null;
    return `I could not run /${command}:\n${describeArgumentProblems(problems)}\nUsage: \`${entry.command.usage}\``;
  }
}

/** Command names as a person reads them: `/approvals, /ask, /help`. */
export function commandList(names: readonly string[]): string {
  return names.map((name) => `/${name}`).join(', ');
}
