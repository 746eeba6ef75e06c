export * from './env-example.ts';
export * from './load-config.ts';
export * from './process-environment.ts';
export * from './variables.ts';
