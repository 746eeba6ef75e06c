import { z } from 'zod';

/**
 * The part of a Bot Framework Activity the adapter reads (the Connector spec's `Activity`, with Teams'
 * `channelData`). Parsed leniently: Teams adds fields over time, and an unknown field must never turn a
 * person's message into an error.
 */
const Account = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  aadObjectId: z.string().optional(),
});

const Mention = z.looseObject({
  type: z.literal('mention'),
  text: z.string().optional(),
  mentioned: z.looseObject({ id: z.string(), name: z.string().optional() }),
});

export const InboundActivitySchema = z.looseObject({
  type: z.string().min(1),
  id: z.string().optional(),
  name: z.string().optional(),
  timestamp: z.string().optional(),
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  from: Account,
  recipient: Account,
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  text: z.string().optional(),
  replyToId: z.string().optional(),
  entities: z.array(z.looseObject({ type: z.string() })).optional(),
  attachments: z
    .array(
      z.looseObject({
        contentType: z.string(),
        contentUrl: z.string().optional(),
        name: z.string().optional(),
        content: z.unknown().optional(),
      }),
    )
    .optional(),
  membersAdded: z.array(Account).optional(),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string() }).optional(),
      team: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
      channel: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
      eventType: z.string().optional(),
    })
    .optional(),
  value: z.unknown().optional(),
});
export type InboundActivity = z.infer<typeof InboundActivitySchema>;
export type ActivityAccount = z.infer<typeof Account>;

export function mentionsOf(activity: InboundActivity): z.infer<typeof Mention>[] {
  return (activity.entities ?? []).flatMap((entity) => {
    const parsed = Mention.safeParse(entity);
    return parsed.success ? [parsed.data] : [];
  });
}

/** `adaptiveCard/action` invoke value: what an `Action.Execute` click sends back. */
export const CardActionValueSchema = z.looseObject({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(255),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  trigger: z.string().optional(),
});

/** What our renderer puts into every `Action.Execute`'s data, so a click names its message. */
export const ActionDataSchema = z.object({
  chatops: z.object({
    messageId: z.string().min(1).max(255),
    value: z.string().max(2000).optional(),
  }),
});
