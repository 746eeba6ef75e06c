import type { Environment } from './load-config.ts';

/** The one place the process environment is read (the dependency rule test enforces it). */
export function processEnvironment(): Environment {
  return process.env;
}
