import {
  argumentsFor,
  checkCommandArguments,
  describeArgumentProblems,
  type Intake,
  type Logger,
  markdownReply,
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

/** The usage text for a command whose declared arguments do not fit, or null when they do. */
export function usageProblem(
  catalog: SkillCatalog,
  command: string,
  args: Record<string, string>,
  text = '',
): string | null {
  const entry = catalog.byCommand(command);
  if (!entry) return null;
  const problems = checkCommandArguments(argumentsFor(entry.command, text), args);
  if (problems.length === 0) return null;
  return `I could not run /${command}:\n${describeArgumentProblems(problems)}\nUsage: \`${entry.command.usage}\``;
}

/** Answers a typed command's usage problem privately, after the acknowledgement. True when it did. */
export function answeredUsage(services: InboundServices, task: Task): boolean {
  if (task.kind !== 'command' || !task.command) return false;
  const problem = usageProblem(services.catalog, task.command, task.args ?? {}, task.text);
  if (!problem) return false;
  const reply = { ...markdownReply(problem), visibility: 'ephemeral' as const, ephemeralUser: task.user.id };
  const message = { id: uuidv7(), taskId: task.id, skill: null, createdAt: services.now() };
  services.later('slack-usage-reply', () => services.sender.send(task.replyTo, reply, message));
  return true;
}

/** The installed commands, as a person reads them in an error. */
export function commandList(catalog: SkillCatalog): string {
  return catalog
    .commandNames()
    .map((name) => `/${name}`)
    .join(', ');
}
