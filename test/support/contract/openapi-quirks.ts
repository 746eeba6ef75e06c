/**
 * Fixes for known quirks of the vendors' files, applied to a converted copy (the files themselves are never
 * edited). Each fix is the narrowest one that lets a correct request or response validate.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Visits every object in the document, depth first, letting `fix` rewrite it in place. */
function visit(value: unknown, fix: (node: Json) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, fix);
    return;
  }
  if (!isObject(value)) return;
  fix(value);
  for (const child of Object.values(value)) visit(child, fix);
}

/**
 * GitHub: 135 schemas say `nullable: true` without a `type` (Ajv rejects `nullable` alone), and
 * `workflow_id` is `oneOf [integer, string]`, which a numeric string matches twice (so oneOf fails).
 */
export function fixGithub(document: Json): void {
  visit(document, (node) => {
    if (node.nullable === true && node.type === undefined) {
      const copy = { ...node };
      delete copy.nullable;
      for (const key of Object.keys(node)) delete node[key];
      node.anyOf = [copy, { enum: [null] }];
    }
    if (Array.isArray(node.oneOf) && node.oneOf.every((option) => isObject(option) && 'type' in option)) {
      const types = node.oneOf.map((option) => (option as Json).type);
      if (types.includes('integer') && types.includes('string')) {
        node.anyOf = node.oneOf;
        delete node.oneOf;
      }
    }
  });
}

/** Swagger 2.0 `x-nullable` survives conversion as an extension; OpenAPI 3 spells it `nullable`. */
export function fixConvertedSwagger(document: Json): void {
  visit(document, (node) => {
    if (node['x-nullable'] === true) {
      node.nullable = true;
      delete node['x-nullable'];
    }
  });
}

export const QUIRK_FIXES: Record<string, ((document: Json) => void)[]> = {
  github: [fixGithub],
  'botframework-connector': [fixConvertedSwagger],
  'jira-platform': [],
  'jira-software': [],
};
