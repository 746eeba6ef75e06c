import { z } from 'zod';

/**
 * The parts of Slack's inbound payloads the adapter reads, as zod schemas: what is not listed is ignored
 * (Slack adds fields all the time), what is listed is checked before anything is mapped. Field names are
 * Slack's own (see the java-slack-sdk samples in ../shared/specs, which the test fixtures are held to).
 */
const Id = z.string().min(1).max(255);
const OptionalId = z.string().max(255).nullish();
/** Form-encoded payloads (slash commands) send booleans as "true" / "false". */
const FormBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const FileSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().int().nonnegative().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
});
export type SlackFile = z.infer<typeof FileSchema>;

export const AuthorizationSchema = z.looseObject({
  enterprise_id: OptionalId,
  team_id: OptionalId,
  user_id: z.string().optional(),
  is_bot: z.boolean().optional(),
  is_enterprise_install: z.boolean().optional(),
});

/** `event_callback`: the Events API envelope around one event. */
export const EventEnvelopeSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: OptionalId,
  enterprise_id: OptionalId,
  event_id: Id,
  event_time: z.number().optional(),
  authorizations: z.array(AuthorizationSchema).optional(),
  is_ext_shared_channel: z.boolean().optional(),
  event: z.looseObject({ type: z.string() }),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** `app_mention` and `message` events (messages with files have the `file_share` subtype). */
export const MessageEventSchema = z.looseObject({
  type: z.enum(['app_mention', 'message']),
  subtype: z.string().optional(),
  channel: Id,
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  app_id: z.string().nullish(),
  text: z.string().nullish(),
  ts: Id,
  thread_ts: z.string().optional(),
  files: z.array(FileSchema).optional(),
  team: z.string().optional(),
  user_team: z.string().optional(),
});
export type MessageEvent = z.infer<typeof MessageEventSchema>;

export const AppHomeOpenedSchema = z.looseObject({
  type: z.literal('app_home_opened'),
  user: Id,
  channel: z.string().optional(),
  tab: z.string().optional(),
});

export const SlashCommandSchema = z.looseObject({
  team_id: Id,
  enterprise_id: OptionalId,
  is_enterprise_install: FormBoolean.optional(),
  channel_id: Id,
  channel_name: z.string().optional(),
  user_id: Id,
  user_name: z.string().optional(),
  command: z.string().regex(/^\/[a-z0-9_-]{1,32}$/i),
  text: z.string().max(4000).default(''),
  response_url: z.string().optional(),
  trigger_id: Id,
});
export type SlashCommand = z.infer<typeof SlashCommandSchema>;

const TeamRefSchema = z.looseObject({ id: Id, enterprise_id: OptionalId }).nullish();
const UserRefSchema = z.looseObject({
  id: Id,
  name: z.string().optional(),
  username: z.string().optional(),
  team_id: z.string().optional(),
});

export const BlockActionSchema = z.looseObject({
  type: z.literal('block_actions'),
  team: TeamRefSchema,
  enterprise: z.looseObject({ id: Id }).nullish(),
  is_enterprise_install: z.boolean().optional(),
  user: UserRefSchema,
  trigger_id: z.string().optional(),
  container: z.looseObject({
    type: z.string(),
    message_ts: z.string().optional(),
    channel_id: z.string().optional(),
    thread_ts: z.string().optional(),
    is_ephemeral: z.boolean().optional(),
  }),
  channel: z.looseObject({ id: Id }).nullish(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  response_url: z.string().optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: Id,
        block_id: z.string().optional(),
        type: z.string(),
        value: z.string().max(2000).optional(),
        action_ts: z.string().optional(),
        text: z.looseObject({ text: z.string() }).optional(),
      }),
    )
    .min(1),
});
export type BlockAction = z.infer<typeof BlockActionSchema>;

export const ViewSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  team: TeamRefSchema,
  enterprise: z.looseObject({ id: Id }).nullish(),
  is_enterprise_install: z.boolean().optional(),
  user: UserRefSchema,
  trigger_id: z.string().optional(),
  view: z.looseObject({
    id: Id,
    callback_id: z.string().optional(),
    private_metadata: z.string().optional(),
    hash: z.string().optional(),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }).optional(),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;
