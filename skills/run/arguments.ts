/**
 * `/run` arguments are typed as `key=value` text; the tool's JSON Schema says what each value is. This
 * turns the text into the values the tool expects (numbers, booleans, arrays, objects) and reports every
 * problem at once, so the person fixes the command in one go.
 */
export interface SchemaProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: SchemaProperty;
}

export interface ObjectSchema {
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  additionalProperties?: unknown;
}

export interface CoercedArguments {
  args: Record<string, unknown>;
  problems: string[];
}

export function coerceArguments(
  raw: Readonly<Record<string, string>>,
  schema: ObjectSchema,
  positional = '',
): CoercedArguments {
  const properties = schema.properties ?? {};
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, text] of Object.entries(raw)) {
    const property = properties[key];
    if (!property) {
      if (schema.additionalProperties === false || Object.keys(properties).length > 0) {
        problems.push(
          `\`${key}\` is not an argument of this tool (it takes: ${Object.keys(properties).join(', ') || 'none'})`,
        );
        continue;
      }
      args[key] = text;
      continue;
    }
    const value = coerce(text, property);
    if (value.problem) problems.push(`\`${key}\` ${value.problem}`);
    else args[key] = value.value;
  }
  // `/run everything__echo hello there`: free text fills the one required text argument left.
  const missing = (schema.required ?? []).filter((name) => !(name in args));
  const onlyText = missing.length === 1 && typeOf(properties[missing[0] ?? '']) === 'string';
  if (positional.trim() && onlyText && missing[0]) args[missing[0]] = positional.trim();
  for (const name of schema.required ?? []) {
    if (!(name in args) && !problems.some((problem) => problem.startsWith(`\`${name}\``))) {
      problems.push(
        `\`${name}\` is required${properties[name]?.description ? ` (${properties[name]?.description})` : ''}`,
      );
    }
  }
  return { args, problems };
}

function typeOf(property: SchemaProperty | undefined): string | undefined {
  const type = property?.type;
  return Array.isArray(type) ? type.find((entry) => entry !== 'null') : type;
}

function coerce(text: string, property: SchemaProperty): { value?: unknown; problem?: string } {
  const type = typeOf(property);
  let value: unknown = text;
  switch (type) {
    case 'integer':
    case 'number': {
      const number = Number(text);
      if (
        text.trim() === '' ||
        !Number.isFinite(number) ||
        (type === 'integer' && !Number.isInteger(number))
      ) {
        return { problem: `must be ${type === 'integer' ? 'a whole number' : 'a number'}, not "${text}"` };
      }
      value = number;
      break;
    }
    case 'boolean':
      if (!/^(true|false|yes|no)$/i.test(text)) return { problem: `must be true or false, not "${text}"` };
      value = /^(true|yes)$/i.test(text);
      break;
    case 'array':
    case 'object':
      try {
        value = JSON.parse(text);
      } catch {
        if (type === 'array' && typeOf(property.items) !== 'object') {
          value = text
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
          break;
        }
        return { problem: `must be JSON (${type === 'array' ? 'e.g. ["a","b"]' : 'e.g. {"key":"value"}'})` };
      }
      if (
        type === 'array'
          ? !Array.isArray(value)
          : value === null || typeof value !== 'object' || Array.isArray(value)
      ) {
        return { problem: `must be a JSON ${type}` };
      }
      break;
  }
  if (property.enum && !property.enum.includes(value)) {
    return { problem: `must be one of ${property.enum.map(String).join(', ')}` };
  }
  return { value };
}

/** `/run tool key=<type> …` from the schema: the usage line shown with errors and in the tool list. */
export function usageOf(name: string, schema: ObjectSchema): string {
  const required = new Set(schema.required ?? []);
  const parts = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const part = `${key}=<${typeOf(property) ?? 'value'}>`;
    return required.has(key) ? part : `[${part}]`;
  });
  return [`/run ${name}`, ...parts].join(' ');
}
