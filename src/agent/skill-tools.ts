import { checkCommandArguments, describeArgumentProblems } from '../core/command-arguments.ts';
import type { SkillManifest } from '../core/skill.ts';
import type { Task } from '../core/task.ts';
import type { ToolSpec } from './llm/conversation.ts';

/**
 * The skills as tools, for the supervisor's model and for the bot's own MCP server: one tool per command
 * (typed by its declared arguments), and one per skill without commands. Calling one hands the request to
 * the skill; a skill with side effects is only ever requested (approval), never run directly.
 */
export interface SkillToolSpec extends ToolSpec {
  skillId: string;
  command?: string;
  sideEffects: boolean;
  /** Names of the declared `key=value` arguments (the rest of the input is `request`). */
  argumentNames: string[];
}

export const REQUEST_FIELD = 'request';

export function skillTools(
  manifests: readonly SkillManifest[],
  hidden: readonly string[] = [],
): SkillToolSpec[] {
  const specs: SkillToolSpec[] = [];
  const names = new Set<string>();
  for (const skill of manifests) {
    if (hidden.includes(skill.id)) continue;
    for (const command of skill.commands) {
      const properties: Record<string, unknown> = {};
      for (const argument of command.arguments ?? []) {
        properties[argument.name] = {
          type: 'string',
          description: argument.description,
          ...(argument.choices ? { enum: argument.choices } : {}),
          ...(argument.pattern ? { pattern: `^(?:${argument.pattern})$` } : {}),
        };
      }
      properties[REQUEST_FIELD] = {
        type: 'string',
        description: 'What the person asked for, in their words (free text for the command).',
      };
      const required = (command.arguments ?? []).filter((argument) => argument.required).map((a) => a.name);
      specs.push({
        name: command.name,
        description: describe(skill, `${command.description} Usage: ${command.usage}`, command.examples),
        inputSchema: {
          type: 'object',
          properties,
          ...(required.length > 0 ? { required } : {}),
          additionalProperties: false,
        },
        skillId: skill.id,
        command: command.name,
        sideEffects: skill.sideEffects,
        argumentNames: (command.arguments ?? []).map((argument) => argument.name),
      });
      names.add(command.name);
    }
    if (skill.commands.length === 0 && !names.has(skill.id)) {
      specs.push({
        name: skill.id,
        description: describe(skill, skill.description, skill.examples),
        inputSchema: {
          type: 'object',
          properties: {
            [REQUEST_FIELD]: { type: 'string', description: 'The request, in the person’s words.' },
          },
          required: [REQUEST_FIELD],
          additionalProperties: false,
        },
        skillId: skill.id,
        sideEffects: skill.sideEffects,
        argumentNames: [],
      });
      names.add(skill.id);
    }
  }
  return specs;
}

function describe(skill: SkillManifest, what: string, examples: readonly string[]): string {
  const lines = [`${what} (skill "${skill.id}": ${skill.description})`];
  if (skill.sideEffects) lines.push('It changes things: calling it only requests an approval from people.');
  if (examples.length > 0) lines.push(`Examples: ${examples.slice(0, 4).join(' | ')}`);
  return lines.join('\n');
}

/** The command arguments of a skill-tool call, as strings, and the free-text request. */
export function commandInput(
  spec: SkillToolSpec,
  input: Record<string, unknown>,
): { args: Record<string, string>; request: string | undefined } {
  const args: Record<string, string> = {};
  for (const name of spec.argumentNames) {
    const value = input[name];
    if (value !== undefined && value !== null && value !== '') args[name] = String(value);
  }
  const request = typeof input[REQUEST_FIELD] === 'string' ? (input[REQUEST_FIELD] as string) : undefined;
  return { args, request };
}

/** Problems with a call's arguments against the command's declaration ("`env` must be one of …"). */
export function inputProblems(
  spec: SkillToolSpec,
  manifests: readonly SkillManifest[],
  args: Record<string, string>,
): string | null {
  const command = manifests
    .find((skill) => skill.id === spec.skillId)
    ?.commands.find((candidate) => candidate.name === spec.command);
  if (!command) return null;
  const problems = checkCommandArguments(command.arguments, args);
  return problems.length > 0 ? describeArgumentProblems(problems) : null;
}

/**
 * The task the skill runs when a tool call hands it over: the person's message as it was (their words are
 * what the skill reads), plus the command and its arguments when the model filled them in.
 */
export function handoffTask(task: Task, spec: SkillToolSpec, input: Record<string, unknown>): Task {
  const { args } = commandInput(spec, input);
  if (!spec.command || Object.keys(args).length === 0) return task;
  return { ...task, command: spec.command, args };
}
