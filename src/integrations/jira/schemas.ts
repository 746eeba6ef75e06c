import { z } from 'zod';

/**
 * Narrow schemas of the Jira answers the sync reads: only the fields we use, so an answer with more (Jira
 * adds fields all the time) still parses, and one without what we need fails with the field's path.
 */
const nullable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? null);

export const FieldListSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    custom: z.boolean().optional(),
    schema: z.object({ type: z.string().optional(), custom: z.string().optional() }).optional(),
  }),
);

export const StatusListSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    statusCategory: z.object({ key: z.string() }).optional(),
  }),
);

const SprintValueSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.string(),
  boardId: z.number().int().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  completeDate: z.string().optional(),
  goal: z.string().optional(),
});
export type SprintValue = z.infer<typeof SprintValueSchema>;

const LinkedIssueSchema = z.object({
  key: z.string(),
  fields: z
    .object({ status: z.object({ statusCategory: z.object({ key: z.string() }).optional() }).optional() })
    .optional(),
});

export const IssueFieldsSchema = z.object({
  summary: z.string().nullish(),
  issuetype: z.object({ name: z.string(), subtask: z.boolean().optional() }),
  status: z.object({
    id: z.string(),
    name: z.string(),
    statusCategory: z.object({ key: z.string() }).optional(),
  }),
  project: z.object({ key: z.string() }),
  assignee: nullable(z.object({ accountId: z.string().optional(), displayName: z.string().optional() })),
  created: z.string(),
  updated: z.string(),
  resolutiondate: nullable(z.string()),
  parent: nullable(z.object({ key: z.string() })),
  issuelinks: z
    .array(
      z.object({
        type: z.object({ name: z.string(), inward: z.string().optional(), outward: z.string().optional() }),
        inwardIssue: LinkedIssueSchema.optional(),
        outwardIssue: LinkedIssueSchema.optional(),
      }),
    )
    .optional(),
});

export const SearchPageSchema = z.object({
  issues: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      fields: IssueFieldsSchema.and(z.record(z.string(), z.unknown())),
    }),
  ),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
export type SearchPage = z.infer<typeof SearchPageSchema>;
export type RawIssue = SearchPage['issues'][number];

export const SprintFieldSchema = nullable(z.array(SprintValueSchema));
export const FlaggedFieldSchema = nullable(z.array(z.object({ value: z.string().optional() })));
export const PointsFieldSchema = nullable(z.number());

// Jira leaves out empty `toString`/`fromString`; reading an absent `toString` key would find
// Object.prototype.toString, so only the item's own properties are read.
const ownProperties = (value: unknown) =>
  typeof value === 'object' && value !== null
    ? Object.fromEntries(Object.entries(value).filter(([key]) => Object.hasOwn(value, key)))
    : value;
const ChangeItemSchema = z.preprocess(
  (value) => {
    const own = ownProperties(value) as Record<string, unknown>;
    return typeof own === 'object' && own !== null
      ? { fromString: null, toString: null, from: null, to: null, ...own }
      : own;
  },
  z.object({
    field: z.string(),
    fieldId: z.string().optional(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    fromString: z.string().nullable(),
    toString: z.string().nullable(),
  }),
);
export type RawChangeItem = z.infer<typeof ChangeItemSchema>;

export const ChangelogPageSchema = z.object({
  issueChangeLogs: z.array(
    z.object({
      issueId: z.string(),
      changeHistories: z.array(
        z.object({ id: z.string(), created: z.string(), items: z.array(ChangeItemSchema) }),
      ),
    }),
  ),
  nextPageToken: z.string().nullish(),
});

export const ProjectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

export const BoardSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  location: z.object({ projectKey: z.string().optional() }).optional(),
});
export type RawBoard = z.infer<typeof BoardSchema>;

export const BoardPageSchema = z.object({
  values: z.array(BoardSchema),
  isLast: z.boolean().optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
});

export const BoardConfigurationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  filter: z.object({ id: z.string() }).optional(),
  columnConfig: z.object({
    columns: z.array(z.object({ name: z.string(), statuses: z.array(z.object({ id: z.string() })) })),
  }),
  estimation: z
    .object({
      type: z.string().optional(),
      field: z.object({ fieldId: z.string(), displayName: z.string().optional() }).optional(),
    })
    .optional(),
});

export const SprintPageSchema = z.object({
  values: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      state: z.string(),
      startDate: z.string().optional(),
      endDate: z.string().optional(),
      completeDate: z.string().optional(),
      originBoardId: z.number().int().optional(),
      goal: z.string().optional(),
    }),
  ),
  isLast: z.boolean().optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
});
