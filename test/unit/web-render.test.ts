import { describe, expect, it } from 'vitest';
import { renderReplyHtml } from '../../adapters/web/render.ts';
import { ReplySchema } from '../../src/core/index.ts';

// The web chat's renderer for approval cards (pure): everything escaped, buttons only while pending.
const card = (status: 'pending' | 'rejected', decisions: unknown[] = []) =>
  ReplySchema.parse({
    v: 1,
    text: 'approval',
    blocks: [
      {
        type: 'approval',
        approvalId: 'ap-1',
        title: 'Deploy <b>payments</b>',
        summary: [{ label: 'Arguments', value: '{"path":"<script>"}' }],
        status,
        decisions,
      },
    ],
  });

describe('web renderer: approvals', () => {
  it('renders a pending approval with Approve / Reject carrying the approval id, all text escaped', () => {
    const html = renderReplyHtml(card('pending'), 'message-1');
    expect(html).toContain('Deploy &lt;b&gt;payments&lt;/b&gt;');
    expect(html).toContain('{&quot;path&quot;:&quot;&lt;script&gt;&quot;}');
    expect(html).not.toContain('<script>');
    expect(html).toContain('data-action-id="approval.approve" data-value="ap-1"');
    expect(html).toContain('data-action-id="approval.reject" data-value="ap-1"');
    expect(html).toContain('data-message-id="message-1"');
  });

  it('renders a decided approval with who decided, when and why, and no buttons', () => {
    const html = renderReplyHtml(
      card('rejected', [
        {
          by: 'bob <admin>',
          decision: 'rejected',
          at: '2026-12-02T14:35:00.000Z',
          reason: '"freeze" & <wait>',
        },
      ]),
      'message-1',
    );
    expect(html).toContain('status-rejected');
    expect(html).toContain('rejected by <strong>bob &lt;admin&gt;</strong>');
    expect(html).toContain('2026-12-02 14:35 UTC');
    expect(html).toContain('<q>&quot;freeze&quot; &amp; &lt;wait&gt;</q>');
    expect(html).not.toContain('data-action-id');
  });
});

describe('web renderer: generated files', () => {
  it('shows a generated chart as a picture with its download link, and other files as links', () => {
    const html = renderReplyHtml(
      ReplySchema.parse({
        v: 1,
        text: 'chart',
        blocks: [
          { type: 'file', name: 'burndown "42".png', mimeType: 'image/png', contentBase64: 'iVBORw0KGgo=' },
          { type: 'file', name: 'data.csv', mimeType: 'text/csv', contentBase64: 'YSxi' },
        ],
      }),
      'message-1',
    );
    expect(html).toContain(
      '<figure class="block image generated"><img src="data:image/png;base64,iVBORw0KGgo=" alt="burndown &quot;42&quot;.png">',
    );
    expect(html).toContain(
      '<div class="block file">📎 <a href="data:text/csv;base64,YSxi" download="data.csv">',
    );
  });
});
