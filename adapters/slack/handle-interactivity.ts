import type { View } from '@slack/types';
import {
  APPROVAL_APPROVE_ACTION,
  APPROVAL_REASON_INPUT,
  APPROVAL_REJECT_ACTION,
  clickableButtons,
  FORM_SUBMIT_ACTION,
  formButtons,
  isInputLimitError,
  isOncePerPersonAction,
  needsForm,
  parseCommandText,
  readFormSubmission,
  UMBRELLA_COMMAND,
} from '../../src/core/index.ts';
import { commandForm, FORM_CALLBACK_ID, formContextOf, formErrors, formInputs } from './command-form.ts';
import { acceptOrExplain, type InboundServices, mappingContext } from './inbound.ts';
import { plainTextOf } from './inbound-text.ts';
import {
  type BlockAction,
  BlockActionSchema,
  SlashCommandSchema,
  type ViewSubmission,
  ViewSubmissionSchema,
} from './payloads.ts';
import { REJECT_CALLBACK_ID, reasonOf, rejectContextOf, rejectReasonForm } from './reject-reason.ts';
import { buttonIdOfAction, DIRECT_MESSAGE_ID, messageIdOfBlock } from './render.ts';
import { type SlackTeam, teamOf } from './team.ts';
import { actionToTask, type Click, commandToTask, digest, formToTask } from './to-task.ts';
import { slackError } from './web-api-errors.ts';

type Ack = (response?: unknown) => Promise<void>;

/** How long a repeated click on the same button by the same person counts as the same click. */
export const CLICK_WINDOW_MS = 1500;

const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });

/**
 * A slash command: answered at once (privately) when no skill has it or its arguments do not fit; a form
 * when it needs arguments and got none; otherwise recorded and queued, and the worker answers.
 */
export async function onSlashCommand(services: InboundServices, body: unknown, ack: Ack): Promise<void> {
  const payload = SlashCommandSchema.safeParse(body);
  if (!payload.success) return ack(ephemeral('Slack sent a command I could not read; please try again.'));
  const command = payload.data;
  // Slack sends what was typed with its own escapes and mention markup: read it as the words it shows.
  const parsed = parseCommandText(`${command.command.toLowerCase()} ${plainTextOf(command.text, undefined)}`);
  const entry = parsed ? services.catalog.byCommand(parsed.command) : undefined;
  if (!parsed || !entry) {
    const umbrella = command.command.toLowerCase() === `/${UMBRELLA_COMMAND}`;
    const what = umbrella
      ? `\`/${UMBRELLA_COMMAND} ${parsed?.command ?? ''}\` is not a subcommand`
      : `\`${command.command}\` is not installed here`;
    const options = services.catalog.commandNames().join('|');
    return ack(
      ephemeral(
        `${what}. ${umbrella ? `Usage: \`/${UMBRELLA_COMMAND} ${options}\`` : `Commands I have: ${services.catalog.commandList()}`} (try \`/${UMBRELLA_COMMAND} help\`).`,
      ),
    );
  }
  const team = teamOf(command.team_id, command.enterprise_id, command.is_enterprise_install);
  if (!team) return ack(ephemeral('This command came without a workspace; please try again.'));
  if (needsForm(entry.command, parsed.text, parsed.args)) {
    await ack();
    const view = commandForm(entry.command, { command: entry.command.name, channel: command.channel_id });
    return openForm(services, team, command.trigger_id, view);
  }
  const problem = services.catalog.usageProblem(parsed.command, parsed.args, parsed.text);
  if (problem) return ack(ephemeral(problem));
  const task = commandToTask(command, parsed, mappingContext(services, team, undefined));
  const name = services.users.cached(team.tenantId, command.user_id);
  if (name) task.user.name = name;
  try {
    await services.intake.accept(task);
  } catch (error) {
    // A command the worker would refuse (an argument past its limit) is answered now, with the limit.
    if (isInputLimitError(error)) return ack(ephemeral(error.explanation));
    throw error;
  }
  await ack();
}

/**
 * A button click, checked against the message we stored (the button must be on it, in this workspace), and
 * counted once: decisions and feedback once per person and message for good, other buttons once per
 * person within a short window (a double click is one click).
 */
export async function onBlockAction(services: InboundServices, body: unknown, ack: Ack): Promise<void> {
  const payload = BlockActionSchema.safeParse(body);
  if (!payload.success) return ack();
  const action = payload.data.actions[0];
  const messageId = messageIdOfBlock(action?.block_id);
  const team = teamOf(
    payload.data.team?.id ?? payload.data.user.team_id,
    payload.data.enterprise?.id ?? payload.data.team?.enterprise_id,
    payload.data.is_enterprise_install,
  );
  const channel = payload.data.container.channel_id ?? payload.data.channel?.id;
  if (!action || !messageId || !team || !channel) return ack();
  const buttonId = buttonIdOfAction(action.action_id);
  const click = await clickOf(services, team.tenantId, messageId, buttonId, channel, payload.data);
  if (!click) return ack();
  if (click.actionId === APPROVAL_REJECT_ACTION && payload.data.trigger_id) {
    return askRejectReason(services, payload.data, click, team, ack);
  }
  if (click.actionId === FORM_SUBMIT_ACTION) {
    // A bare command's form in a message: the button opens it as a modal, answered in this thread.
    await ack();
    const entry = services.catalog.byCommand(click.value ?? '');
    if (!entry || !payload.data.trigger_id) return;
    const { channel: at, thread } = click.message;
    const { container, message } = payload.data;
    const threadTs = container.thread_ts ?? message?.thread_ts ?? container.message_ts;
    const view = commandForm(entry.command, {
      command: entry.command.name,
      channel: at,
      thread,
      ...(threadTs && !at.startsWith('D') ? { threadTs } : {}),
    });
    return openForm(services, team, payload.data.trigger_id, view);
  }
  if (!isOncePerPersonAction(click.actionId)) {
    const key = `${team.tenantId}.${click.message.id}.${click.actionId}.${digest(click.value ?? '')}.${payload.data.user.id}`;
    if (!(await services.clicks.firstSeen(key, CLICK_WINDOW_MS))) return ack();
  }
  const task = actionToTask(payload.data, click, mappingContext(services, team, undefined));
  await acceptOrExplain(services, task);
  await ack();
}

/** Opens a command's form as a modal, after the acknowledgement (Slack gives the trigger 3 seconds). */
function openForm(services: InboundServices, team: SlackTeam, triggerId: string, view: View): void {
  services.later('slack-form-open', async () => {
    const { client } = await services.clients.forTenant(team.tenantId);
    await client.views.open({ trigger_id: triggerId, view }).catch((error: unknown) => {
      throw slackError(error, 'opening the command form');
    });
  });
}

async function clickOf(
  services: InboundServices,
  tenantId: string,
  messageId: string,
  buttonId: string,
  channel: string,
  payload: { container: { message_ts?: string | undefined }; actions: { value?: string | undefined }[] },
): Promise<Click | null> {
  if (messageId === DIRECT_MESSAGE_ID) {
    // Approval requests in an approver's DM: the approval id (the button's value) is the whole context.
    const value = payload.actions[0]?.value;
    if ((buttonId !== APPROVAL_APPROVE_ACTION && buttonId !== APPROVAL_REJECT_ACTION) || !value) return null;
    return {
      actionId: buttonId,
      value,
      label: buttonId === APPROVAL_APPROVE_ACTION ? 'Approve' : 'Reject',
      message: {
        id: `direct-${digest(channel, payload.container.message_ts ?? value)}`,
        channel,
        thread: channel,
        skill: null,
      },
    };
  }
  const stored = await services.messages.byId(messageId);
  if (stored?.platform !== 'slack' || stored.tenantId !== tenantId || !stored.reply) {
    services.log.info('slack-click-refused', { messageId, reason: 'not a message of this workspace' });
    return null;
  }
  const button = [...clickableButtons(stored.reply, stored.id), ...formButtons(stored.reply)].find(
    (candidate) => candidate.id === buttonId,
  );
  // Link buttons also send a click to the app; they have done their work by opening the link.
  if (!button || button.url) return null;
  return {
    actionId: button.id,
    ...(button.value === undefined ? {} : { value: button.value }),
    label: button.label,
    message: { id: stored.id, channel: stored.channel, thread: stored.thread, skill: stored.skill },
  };
}

/**
 * Reject opens a form for an optional reason; submitting it rejects. Should the form fail to open, the
 * click still rejects, without a reason, rather than being lost.
 */
async function askRejectReason(
  services: InboundServices,
  payload: BlockAction,
  click: Click,
  team: SlackTeam,
  ack: Ack,
): Promise<void> {
  await ack();
  const context = {
    click,
    ...(payload.container.message_ts ? { messageTs: payload.container.message_ts } : {}),
    ...(payload.container.thread_ts ? { threadTs: payload.container.thread_ts } : {}),
  };
  const view = rejectReasonForm(
    context,
    'Reject this request? Everyone in the thread sees who rejected it and why.',
  );
  services.later('slack-reject-form-open', async () => {
    const { client } = await services.clients.forTenant(team.tenantId);
    try {
      await client.views.open({ trigger_id: payload.trigger_id ?? '', view });
    } catch (error) {
      services.log.warn('slack-reject-form-failed', {
        error: slackError(error, 'opening the reason form').message,
      });
      await acceptOrExplain(
        services,
        actionToTask(payload, click, mappingContext(services, team, undefined)),
      );
    }
  });
}

/** The submitted reason form: the rejection itself, carrying the reason as `inputs.reason`. */
async function onRejectReason(services: InboundServices, payload: ViewSubmission, ack: Ack): Promise<void> {
  const context = rejectContextOf(payload.view.private_metadata);
  const team = teamOf(
    payload.team?.id ?? payload.user.team_id,
    payload.enterprise?.id ?? payload.team?.enterprise_id,
    payload.is_enterprise_install,
  );
  if (!context || !team) return ack();
  const click = context.click;
  const clicked = {
    user: payload.user,
    container: {
      type: 'message',
      channel_id: click.message.channel,
      ...(context.messageTs ? { message_ts: context.messageTs } : {}),
      ...(context.threadTs ? { thread_ts: context.threadTs } : {}),
    },
    actions: [],
  } as unknown as BlockAction;
  const task = actionToTask(clicked, click, mappingContext(services, team, undefined));
  const reason = reasonOf(payload.view.state?.values ?? {});
  if (reason && task.action) task.action.inputs = { [APPROVAL_REASON_INPUT]: reason };
  await acceptOrExplain(services, task);
  await ack();
}

/** A submitted command form: checked like typed arguments (errors shown by the fields), then queued. */
export async function onViewSubmission(services: InboundServices, body: unknown, ack: Ack): Promise<void> {
  const payload = ViewSubmissionSchema.safeParse(body);
  if (payload.success && payload.data.view.callback_id === REJECT_CALLBACK_ID) {
    return onRejectReason(services, payload.data, ack);
  }
  if (!payload.success || payload.data.view.callback_id !== FORM_CALLBACK_ID) return ack();
  const form = formContextOf(payload.data.view.private_metadata);
  const entry = form ? services.catalog.byCommand(form.command) : undefined;
  const team = teamOf(
    payload.data.team?.id ?? payload.data.user.team_id,
    payload.data.enterprise?.id ?? payload.data.team?.enterprise_id,
    payload.data.is_enterprise_install,
  );
  if (!form || !entry || !team) return ack();
  const { args, problems } = readFormSubmission(
    entry.command,
    formInputs(payload.data.view.state?.values ?? {}),
  );
  if (problems.length > 0) return ack({ response_action: 'errors', errors: formErrors(problems) });
  const user = payload.data.user;
  const task = formToTask(
    {
      viewId: payload.data.view.id,
      command: entry.command.name,
      args,
      channel: form.channel,
      ...(form.thread ? { thread: form.thread } : {}),
      ...(form.threadTs ? { threadTs: form.threadTs } : {}),
    },
    { id: user.id, name: services.users.cached(team.tenantId, user.id) ?? user.name },
    mappingContext(services, team, undefined),
  );
  await acceptOrExplain(services, task);
  await ack();
}
