import { z } from 'zod';

/**
 * A command's `key=value` arguments, declared in its skill manifest. Receivers check them before they
 * acknowledge (Slack answers a malformed command with an ephemeral usage message at once), the worker checks
 * them again, and forms (Slack modals, Teams task modules, the web chat) are generated from them.
 */
export const CommandArgumentSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][\w.-]{0,39}$/, 'a letter or "_", then letters, digits, ".", "_" or "-"'),
  description: z.string().min(1).max(200),
  required: z.boolean().default(false),
  /** Allowed values, e.g. `['dev', 'staging', 'prod']`. */
  choices: z.array(z.string().min(1)).optional(),
  /** A regular expression (source text) the whole value must match, e.g. `^[1-9][0-9]?$`. */
  pattern: z.string().optional(),
});
export type CommandArgument = z.infer<typeof CommandArgumentSchema>;

export interface ArgumentProblem {
  argument: string;
  problem: string;
}

/**
 * Checks parsed `key=value` arguments against their declaration. Unknown keys are problems too: a typo
 * (`evn=prod`) must not be silently ignored by a command that has side effects.
 */
export function checkCommandArguments(
  declared: readonly CommandArgument[] | undefined,
  args: Readonly<Record<string, string>>,
): ArgumentProblem[] {
  if (!declared) return [];
  const problems: ArgumentProblem[] = [];
  const known = new Set(declared.map((argument) => argument.name));
  for (const key of Object.keys(args)) {
    if (!known.has(key)) {
      const names = [...known].join(', ') || 'none';
      problems.push({ argument: key, problem: `is not an argument of this command (it takes: ${names})` });
    }
  }
  for (const argument of declared) {
    const value = args[argument.name];
    if (value === undefined || value === '') {
      if (argument.required) problems.push({ argument: argument.name, problem: 'is required' });
      continue;
    }
    if (argument.choices && !argument.choices.includes(value)) {
      problems.push({ argument: argument.name, problem: `must be one of ${argument.choices.join(', ')}` });
    }
    if (argument.pattern && !new RegExp(`^(?:${argument.pattern})$`).test(value)) {
      problems.push({ argument: argument.name, problem: `must match ${argument.pattern}` });
    }
  }
  return problems;
}

/** One line per problem, for usage messages: "`env` must be one of dev, staging, prod". */
export function describeArgumentProblems(problems: readonly ArgumentProblem[]): string {
  return problems.map((entry) => `\`${entry.argument}\` ${entry.problem}`).join('\n');
}
