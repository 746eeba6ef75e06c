import type { z } from 'zod';
import { ChatOpsError } from './errors.ts';
import type { InboundMessage } from './ports.ts';
import { type Task, TaskSchema } from './task.ts';
import { TASK_LIMITS } from './task-limits.ts';

/** One limit a request breaks, as a person reads it. */
export interface LimitProblem {
  /** Where in the task, e.g. `text` or `args.path`. */
  field: string;
  /** A sentence naming the limit, e.g. "Your message has 50,000 characters; the limit is 40,000." */
  problem: string;
  limit?: number;
  actual?: number;
}

/**
 * A request that breaks a limit of the Task schema. Intake throws it before anything is recorded or
 * queued; receivers answer the person with its explanation (Slack and Teams in the conversation, the REST
 * API with 400), so a request the worker would refuse is never accepted and then left without an answer.
 */
export class InputLimitError extends ChatOpsError {
  readonly problems: readonly LimitProblem[];

  constructor(problems: readonly LimitProblem[]) {
    super('VALIDATION_FAILED', `I could not take this request. ${problems.map((p) => p.problem).join(' ')}`, {
      remedy: remedyOf(problems),
      details: { limits: problems },
    });
    this.name = 'InputLimitError';
    this.problems = problems;
  }
}

export function isInputLimitError(error: unknown): error is InputLimitError {
  return error instanceof InputLimitError;
}

/**
 * Checks a task (and the message people typed) against the same schema the worker holds every task to.
 * Null when it fits; otherwise the error to answer with, naming each limit broken. It takes anything, so
 * the stale-task sweeper can say why a stored payload can never run.
 */
export function checkTask(task: Task | unknown, message?: InboundMessage): InputLimitError | null {
  const problems: LimitProblem[] = [];
  const limit = TASK_LIMITS.messageCharacters;
  if (message && message.text.length > limit) {
    problems.push(messageTooLong(message.text.length));
  }
  const parsed = TaskSchema.safeParse(task);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const problem = describeIssue(task, issue);
      if (!problems.some((known) => known.field === problem.field)) problems.push(problem);
    }
  }
  return problems.length > 0 ? new InputLimitError(problems) : null;
}

function messageTooLong(actual: number): LimitProblem {
  const limit = TASK_LIMITS.messageCharacters;
  return {
    field: 'text',
    problem: `Your message has ${count(actual)} characters; the limit is ${count(limit)}.`,
    limit,
    actual,
  };
}

function describeIssue(task: unknown, issue: z.core.$ZodIssue): LimitProblem {
  const path = issue.path.map(String);
  const field = path.join('.') || '(task)';
  if (issue.code === 'too_big') {
    const limit = Number(issue.maximum);
    const actual = sizeOf(valueAt(task, issue.path));
    if (field === 'text') return messageTooLong(actual);
    return { field, problem: tooBig(path, actual, limit), limit, actual };
  }
  if (issue.code === 'invalid_key' && path[0] === 'args') {
    const limit = TASK_LIMITS.argumentNameCharacters;
    return {
      field,
      problem: `An argument name has ${count(String(path[1]).length)} characters; the limit is ${limit}.`,
      limit,
    };
  }
  if (issue.code === 'custom' && (path[0] === 'args' || path.join('.') === 'action.inputs')) {
    const actual = Object.keys((valueAt(task, issue.path) ?? {}) as object).length;
    const limit = path[0] === 'args' ? TASK_LIMITS.argumentCount : TASK_LIMITS.actionInputCount;
    const what = path[0] === 'args' ? 'The command has' : 'The form has';
    return {
      field,
      problem: `${what} ${count(actual)} ${path[0] === 'args' ? 'arguments' : 'inputs'}; the limit is ${limit}.`,
      limit,
      actual,
    };
  }
  return { field, problem: `The request's ${field} is not valid: ${issue.message}.` };
}

function tooBig(path: string[], actual: number, limit: number): string {
  const [first, second, third] = path;
  if (first === 'args' && second)
    return `The argument ${second} has ${count(actual)} characters; the limit is ${count(limit)}.`;
  if (first === 'files' && second === undefined)
    return `The message has ${count(actual)} files attached; the limit is ${limit}.`;
  if (first === 'files' && third === 'name')
    return `The name of file ${Number(second) + 1} has ${count(actual)} characters; the limit is ${count(limit)}.`;
  if (first === 'command') return `The command name has ${count(actual)} characters; the limit is ${limit}.`;
  if (first === 'action' && second === 'inputs' && third)
    return `What you typed in ${third} has ${count(actual)} characters; the limit is ${count(limit)}.`;
  if (first === 'action' && second === 'value')
    return `The button's value has ${count(actual)} characters; the limit is ${count(limit)}.`;
  return `The request's ${path.join('.')} has ${count(actual)} characters or entries; the limit is ${count(limit)}.`;
}

function remedyOf(problems: readonly LimitProblem[]): string {
  if (problems.some((problem) => problem.field === 'text')) {
    return `Send it in shorter parts, at most ${count(TASK_LIMITS.messageCharacters)} characters each.`;
  }
  if (problems.some((problem) => problem.field.startsWith('files'))) {
    return `Attach at most ${TASK_LIMITS.fileCount} files, with shorter names.`;
  }
  return 'Shorten what is named above and send the request again.';
}

function valueAt(task: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = task;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return 0;
}

/** 50000 → "50,000", the same on every machine (no locale). */
function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
