import { DIGEST_QUIET_OPTION, type DigestKindSpec, type DigestOption } from '../core/digests.ts';
import { ChatOpsError } from '../core/errors.ts';

/** `quiet=skip|line`, which every kind takes: what a period with nothing new posts. */
const QUIET_CHOICES = ['skip', 'line'];

/**
 * Checks a digest's options against its kind's declaration (plus `quiet`): unknown names and values are
 * errors that list what is allowed, and choices reserved to operators (CLI, REST) are refused in chat.
 * Returns the options with every default filled in, as they are stored.
 */
export function checkDigestOptions(
  kind: DigestKindSpec,
  given: Readonly<Record<string, string>>,
  caller: { operator: boolean },
): Record<string, string> {
  const problems: string[] = [];
  const known = new Map(kind.options.map((option) => [option.name, option]));
  for (const [name, value] of Object.entries(given)) {
    if (name === DIGEST_QUIET_OPTION) {
      if (!QUIET_CHOICES.includes(value)) problems.push(`quiet=${value}: use quiet=skip or quiet=line`);
      continue;
    }
    const option = known.get(name);
    if (!option) {
      const names = [DIGEST_QUIET_OPTION, ...known.keys()].join(', ');
      problems.push(`${name}: ${kind.kind} digests have no such option (they take ${names})`);
      continue;
    }
    if (!allowed(option, value)) {
      problems.push(`${name}=${value}: choose one of ${[...option.choices, ...named(option)].join(', ')}`);
    } else if (option.operatorChoices.includes(value) && !caller.operator) {
      problems.push(
        `${name}=${value} is for operators: use \`chatops digest add\` or POST /api/v1/digests to set it`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `Those options do not fit a ${kind.kind} digest: ${problems.join('; ')}.`,
      {
        remedy: describeOptions(kind),
        details: { problems },
      },
    );
  }
  const options: Record<string, string> = { [DIGEST_QUIET_OPTION]: given.quiet ?? 'skip' };
  for (const option of kind.options) options[option.name] = given[option.name] ?? option.default;
  return options;
}

/** The kind's own options as stored (defaults filled), without `quiet`: what its build reads. */
export function kindOptions(
  kind: DigestKindSpec,
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const options: Record<string, string> = {};
  for (const option of kind.options) {
    const value = stored[option.name];
    options[option.name] = value !== undefined && allowed(option, value) ? value : option.default;
  }
  return options;
}

/** "quiet=skip|line (…); from=all|here (…)": the options line of usage and help. */
export function describeOptions(kind: DigestKindSpec): string {
  const lines = [
    'quiet=skip|line (a period with nothing new: skip it, or post one line; default skip)',
    ...kind.options.map(
      (option) =>
        `${option.name}=${[...option.choices, ...named(option)].join('|')} (${option.description} default ${option.default})`,
    ),
  ];
  return `Options of a ${kind.kind} digest: ${lines.join('; ')}.`;
}

/** One of the choices, or a value the option's pattern matches whole (a board id). */
function allowed(option: DigestOption, value: string): boolean {
  if (option.choices.includes(value)) return true;
  return option.pattern !== undefined && new RegExp(`^(?:${option.pattern})$`).test(value);
}

function named(option: DigestOption): string[] {
  return option.pattern ? [`<${option.patternLabel ?? 'value'}>`] : [];
}
