import type { MessageView } from '../../src/core/index.ts';
import { renderReplyHtml, renderUserText } from './render.ts';

/** A message as the web chat receives it: the API view plus its rendered, escaped HTML. */
export function presentMessage(message: MessageView): MessageView & { html: string } {
  const html = message.reply ? renderReplyHtml(message.reply, message.id) : renderUserText(message.text);
  const {
    id,
    tenantId,
    platform,
    channel,
    thread,
    author,
    text,
    reply,
    actions,
    skill,
    taskId,
    createdAt,
    updatedAt,
  } = message;
  return {
    id,
    tenantId,
    platform,
    channel,
    thread,
    author,
    text,
    reply,
    actions,
    skill,
    taskId,
    createdAt,
    updatedAt,
    html,
  };
}
