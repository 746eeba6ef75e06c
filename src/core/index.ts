/** The core: types, schemas and ports shared by adapters, skills and the runtime. Imports nothing of ours. */
export * from './approvals.ts';
export * from './channels.ts';
export * from './command-arguments.ts';
export * from './command-text.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './knowledge.ts';
export * from './language-model.ts';
export * from './ports.ts';
export * from './redact.ts';
export * from './reply.ts';
export * from './request-body.ts';
export * from './schedules.ts';
export * from './skill.ts';
export * from './skill-catalog.ts';
export * from './task.ts';
export * from './tools.ts';
