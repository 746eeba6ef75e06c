import { describe, expect, it } from 'vitest';
import {
  AppHomeOpenedSchema,
  BlockActionSchema,
  EventEnvelopeSchema,
  MessageEventSchema,
  SlashCommandSchema,
  ViewSubmissionSchema,
} from '../../adapters/slack/payloads.ts';
import {
  appHomeOpened,
  appMention,
  blockAction,
  channelMessage,
  directMessage,
  fileShare,
  slashCommand,
  viewSubmission,
} from '../fixtures/slack/payloads.ts';
import { slackSample, unknownKeys, validateJsonSchema } from '../support/contract/index.ts';

// Every inbound fixture the Slack tests send has only keys Slack really sends (the java-slack-sdk samples),
// event envelopes fit Slack's event wrapper schema, and our payload schemas read them.
const events = {
  'events/AppMentionPayload.json': [
    appMention({ text: 'status' }),
    appMention({ text: 'more', threadTs: '1.000001' }),
  ],
  'events/MessagePayload.json': [
    channelMessage({ text: 'hi' }),
    channelMessage({ text: 'in thread', threadTs: '1.000001', botId: 'B0OTHER0001' }),
    directMessage({ text: 'hi' }),
  ],
  'events/MessageFileSharePayload.json': [fileShare({ text: 'inspect' })],
  'events/AppHomeOpenedPayload.json': [appHomeOpened()],
};

describe('Slack inbound fixtures (contract)', () => {
  for (const [sample, fixtures] of Object.entries(events)) {
    it(`event fixtures fit ${sample} and the event wrapper schema`, () => {
      for (const fixture of fixtures) {
        expect(unknownKeys(fixture, slackSample(sample))).toEqual([]);
        expect(validateJsonSchema('slack-event-wrapper', fixture)).toEqual([]);
        expect(EventEnvelopeSchema.safeParse(fixture).success).toBe(true);
        const event = fixture.event as { type: string };
        const schema = event.type === 'app_home_opened' ? AppHomeOpenedSchema : MessageEventSchema;
        expect(schema.safeParse(event).success).toBe(true);
      }
    });
  }

  it('slash commands, button clicks and form submissions fit the interactivity samples', () => {
    const command = slashCommand('/deploy-cluster', 'service=payments env=prod');
    expect(unknownKeys(command, slackSample('app-backend/slash-commands/SlashCommandPayload.json'))).toEqual(
      [],
    );
    expect(SlashCommandSchema.safeParse(command).success).toBe(true);
    const click = blockAction({
      actionId: 'status.refresh',
      blockId: 'chatops.x.1',
      messageTs: '1.2',
      threadTs: '1.1',
      value: 'v',
    });
    expect(
      unknownKeys(click, slackSample('app-backend/interactive-components/BlockActionPayload.json')),
    ).toEqual([]);
    expect(BlockActionSchema.safeParse(click).success).toBe(true);
    const form = viewSubmission({
      viewId: 'V0123ABCDEF',
      privateMetadata: '{"command":"deploy-cluster","channel":"C0GENERAL01"}',
      values: { 'arg.env': { value: { type: 'static_select', selected_option: { value: 'prod' } } } },
    });
    expect(unknownKeys(form, slackSample('app-backend/views/ViewSubmissionPayload.json'))).toEqual([]);
    expect(ViewSubmissionSchema.safeParse(form).success).toBe(true);
  });

  it('would catch a key Slack never sends', () => {
    const fixture = { ...appMention({ text: 'x' }), made_up_key: true };
    expect(unknownKeys(fixture, slackSample('events/AppMentionPayload.json'))).toEqual(['made_up_key']);
  });
});
