import {
  type InboundMessage,
  type Intake,
  isInputLimitError,
  type Logger,
  needsForm,
  privateReply,
  type Sender,
  type SkillCatalog,
  type Task,
  uuidv7,
} from '../../src/core/index.ts';
import type { AppHome } from './app-home.ts';
import type { SlackClients } from './clients.ts';
import type { RecentClicks, SlackInstallations, SlackMessageLookup, SlackThreads } from './ports.ts';
import type { SlackTeam } from './team.ts';
import type { MappingContext } from './to-task.ts';
import type { SlackUserNames } from './user-names.ts';

/** What the receiver's handlers share: the ports, and a place for work that follows the answer. */
export interface InboundServices {
  intake: Intake;
  catalog: SkillCatalog;
  commands: ReadonlySet<string>;
  messages: SlackMessageLookup;
  threads: SlackThreads;
  clients: SlackClients;
  clicks: RecentClicks;
  users: SlackUserNames;
  home: AppHome;
  /** Usage answers to malformed commands typed in messages go out through the sender. */
  sender: Sender;
  installations: SlackInstallations | undefined;
  log: Logger;
  now(): Date;
  /** Runs work after Slack was answered; a failure is logged, never thrown. */
  later(what: string, work: () => Promise<unknown>): void;
}

export function mappingContext(
  services: InboundServices,
  team: SlackTeam,
  botUserId: string | undefined,
): MappingContext {
  return {
    taskId: uuidv7(),
    messageId: uuidv7(),
    now: services.now(),
    team,
    botUserId,
    commands: services.commands,
  };
}

/**
 * Answers a typed command's usage problem privately, after the acknowledgement. True when it did. A bare
 * command that needs arguments is not a problem here: the worker answers it with its form.
 */
export function answeredUsage(services: InboundServices, task: Task): boolean {
  if (task.kind !== 'command' || !task.command) return false;
  const spec = services.catalog.byCommand(task.command)?.command;
  if (spec && needsForm(spec, task.text, task.args ?? {})) return false;
  const problem = services.catalog.usageProblem(task.command, task.args ?? {}, task.text);
  if (!problem) return false;
  answerPrivately(services, task, problem, 'slack-usage-reply');
  return true;
}

/**
 * Records and queues a task. One that breaks a limit of the Task schema (a 50,000-character message) is
 * not taken: the person is told the limit, privately, after the acknowledgement. True when accepted.
 */
export async function acceptOrExplain(
  services: InboundServices,
  task: Task,
  message?: InboundMessage,
): Promise<boolean> {
  try {
    await services.intake.accept(task, message);
    return true;
  } catch (error) {
    if (!isInputLimitError(error)) throw error;
    answerPrivately(services, task, error.explanation, 'slack-limit-reply');
    return false;
  }
}

function answerPrivately(services: InboundServices, task: Task, text: string, what: string): void {
  const message = { id: uuidv7(), taskId: task.id, skill: null, createdAt: services.now() };
  services.later(what, () => services.sender.send(task.replyTo, privateReply(text, task.user.id), message));
}
