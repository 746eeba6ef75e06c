import {
  type ApprovalBlock,
  approvalButtons,
  feedbackButtons,
  type Reply,
  type ReplyBlock,
  revealInvisible,
  revealInvisibleInReply,
} from '../../src/core/index.ts';
import { escapeHtml, safeHref } from './escape.ts';
import { renderMarkdown } from './markdown.ts';
import { renderForm } from './render-form.ts';

/**
 * Reply → HTML for the web chat (pure). Every string in a Reply comes from a user or the model, so every
 * string is escaped (and its invisible characters revealed); buttons carry their ids in data attributes for the page's click handler.
 */
export function renderReplyHtml(original: Reply, messageId: string): string {
  // Bidi controls and invisible characters are shown as `⟨U+202E⟩`, so what a reader sees is what it says.
  const reply = revealInvisibleInReply(original);
  const blocks = reply.blocks.map((block) => renderBlock(block, messageId)).join('');
  const feedback = reply.feedback ? renderButtons(feedbackButtons(messageId), messageId) : '';
  return `<div class="reply">${blocks}${feedback}</div>`;
}

/** A user's own message: plain text with line breaks, no markup at all. */
export function renderUserText(text: string): string {
  return `<div class="user-text">${escapeHtml(revealInvisible(text)).replace(/\n/g, '<br>')}</div>`;
}

function renderBlock(block: ReplyBlock, messageId: string): string {
  switch (block.type) {
    case 'markdown':
      return `<div class="block markdown">${renderMarkdown(block.text)}</div>`;
    case 'context':
      return `<div class="block context">${renderMarkdown(block.text)}</div>`;
    case 'fields':
      return `<dl class="block fields">${block.fields
        .map(
          (field) => `<div><dt>${escapeHtml(field.label)}</dt><dd>${renderMarkdown(field.value)}</dd></div>`,
        )
        .join('')}</dl>`;
    case 'table':
      return `<table class="block table"><thead><tr>${block.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr></thead><tbody>${block.rows
        .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'image': {
      const src = safeHref(block.url);
      return src
        ? `<figure class="block image"><img src="${escapeHtml(src)}" alt="${escapeHtml(block.alt)}" loading="lazy">${block.title ? `<figcaption>${escapeHtml(block.title)}</figcaption>` : ''}</figure>`
        : '';
    }
    case 'file': {
      // A generated picture (a chart) is shown as a picture, with its download link under it.
      if (block.contentBase64 && /^image\/(png|jpeg|gif)$/.test(block.mimeType)) {
        const source = `data:${block.mimeType};base64,${block.contentBase64}`;
        const name = escapeHtml(block.name);
        return `<figure class="block image generated"><img src="${escapeHtml(source)}" alt="${name}"><figcaption><a href="${escapeHtml(source)}" download="${name}">${name}</a></figcaption></figure>`;
      }
      const href = block.url
        ? safeHref(block.url)
        : block.contentBase64
          ? `data:${block.mimeType};base64,${block.contentBase64}`
          : null;
      const name = escapeHtml(block.name);
      return `<div class="block file">📎 ${href ? `<a href="${escapeHtml(href)}" download="${name}">${name}</a>` : name}</div>`;
    }
    case 'buttons':
      return renderButtons(block.buttons, messageId);
    case 'approval':
      return renderApproval(block, messageId);
    case 'progress':
      return `<div class="block progress"><span class="spinner" aria-hidden="true"></span>${escapeHtml(block.step)}${block.percent === undefined ? '' : ` (${Math.round(block.percent)}%)`}</div>`;
    case 'divider':
      return '<hr class="block divider">';
    case 'form':
      return renderForm(block);
  }
}

/** The approval card: what, the facts, its status with every decision (and reason), the buttons while pending. */
function renderApproval(block: ApprovalBlock, messageId: string): string {
  const facts = block.summary
    .map((item) => `<div><dt>${escapeHtml(item.label)}</dt><dd>${escapeHtml(item.value)}</dd></div>`)
    .join('');
  const decisions = block.decisions
    .map(
      (decision) =>
        `<li class="decision ${escapeHtml(decision.decision)}">${escapeHtml(decision.decision)} by <strong>${escapeHtml(decision.by)}</strong> <time datetime="${escapeHtml(decision.at)}">${escapeHtml(decision.at.slice(0, 16).replace('T', ' '))} UTC</time>${decision.reason ? `: <q>${escapeHtml(decision.reason)}</q>` : ''}</li>`,
    )
    .join('');
  const buttons = approvalButtons(block);
  return `<div class="block approval status-${escapeHtml(block.status)}" data-approval-id="${escapeHtml(block.approvalId)}"><strong>${escapeHtml(block.title)}</strong><dl>${facts}</dl><div class="approval-status">${escapeHtml(block.status)}</div>${decisions ? `<ul class="decisions">${decisions}</ul>` : ''}${buttons.length > 0 ? renderButtons(buttons, messageId) : ''}</div>`;
}

function renderButtons(
  buttons: {
    id: string;
    label: string;
    value?: string | undefined;
    style: string;
    url?: string | undefined;
  }[],
  messageId: string,
): string {
  const items = buttons.map((button) => {
    const href = button.url ? safeHref(button.url) : null;
    if (href)
      return `<a class="button ${escapeHtml(button.style)}" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(button.label)}</a>`;
    const value = button.value === undefined ? '' : ` data-value="${escapeHtml(button.value)}"`;
    return `<button type="button" class="button ${escapeHtml(button.style)}" data-message-id="${escapeHtml(messageId)}" data-action-id="${escapeHtml(button.id)}"${value}>${escapeHtml(button.label)}</button>`;
  });
  return `<div class="block buttons">${items.join('')}</div>`;
}
