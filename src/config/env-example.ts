import { defaultFor, VARIABLES } from './variables.ts';

/** Renders `.env.example` from the variable table; a test keeps the committed file in step. */
export function renderEnvExample(): string {
  const lines = [
    '# Every setting the bot reads, with its default. Copy to .env or export them; nothing here is required',
    '# for `chatops dev`. Defaults that differ by command are shown as "dev: … / other: …".',
    '',
  ];
  for (const variable of VARIABLES) {
    const devDefault = defaultFor(variable, 'dev');
    const otherDefault = defaultFor(variable, 'gateway');
    lines.push(`# ${variable.description}`);
    if (devDefault !== otherDefault) lines.push(`# Default: dev: ${devDefault} / other: ${otherDefault}`);
    lines.push(
      devDefault === undefined || devDefault !== otherDefault
        ? `# ${variable.name}=`
        : `# ${variable.name}=${devDefault}`,
    );
    lines.push('');
  }
  return lines.join('\n');
}

/** The README's configuration table (markdown). */
export function renderConfigTable(): string {
  const rows = VARIABLES.map((variable) => {
    const devDefault = defaultFor(variable, 'dev');
    const otherDefault = defaultFor(variable, 'gateway');
    const shown =
      devDefault === otherDefault
        ? (devDefault ?? '(unset)')
        : `dev: ${devDefault ?? '(unset)'}, other: ${otherDefault}`;
    return `| \`${variable.name}\` | \`${shown}\` | ${variable.description} |`;
  });
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows].join('\n');
}
