import type { z } from 'zod';
import type {
  FieldChange,
  SiteFields,
  SnapshotIssue,
  SnapshotSprint,
  SprintState,
  TrackedField,
} from './model.ts';
import {
  type FieldListSchema,
  FlaggedFieldSchema,
  PointsFieldSchema,
  type RawChangeItem,
  type RawIssue,
  SprintFieldSchema,
  type SprintValue,
} from './schemas.ts';

/**
 * Jira's answers → the snapshot's types. Custom fields (story points, sprint, flagged) have site-specific
 * ids, found once from /rest/api/3/field by their type or name.
 */
const SPRINT_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
const POINT_NAMES = ['story points', 'story point estimate'];

export function discoverFields(
  fields: z.infer<typeof FieldListSchema>,
  configuredPoints: string | undefined,
  boardEstimation: string | null,
): SiteFields {
  const byName = (names: string[]) =>
    fields.find((field) => names.includes(field.name.trim().toLowerCase()))?.id ?? null;
  const pointsByName = POINT_NAMES.map((name) => byName([name])).find((id) => id !== null) ?? null;
  const numericEstimation =
    boardEstimation && fields.some((field) => field.id === boardEstimation && field.schema?.type === 'number')
      ? boardEstimation
      : null;
  return {
    points: configuredPoints ?? numericEstimation ?? pointsByName,
    sprint: fields.find((field) => field.schema?.custom === SPRINT_TYPE)?.id ?? byName(['sprint']),
    flagged: byName(['flagged']),
  };
}

/** The issue fields a search asks for. */
export function searchFields(site: SiteFields): string[] {
  return [
    'summary',
    'issuetype',
    'status',
    'project',
    'assignee',
    'created',
    'updated',
    'resolutiondate',
    'parent',
    'issuelinks',
    ...[site.points, site.sprint, site.flagged].filter((id): id is string => id !== null),
  ];
}

/** The field ids whose changelog the analytics replay (the bulk endpoint filters by them). */
export function changelogFieldIds(site: SiteFields): string[] {
  return ['status', ...[site.points, site.sprint, site.flagged].filter((id): id is string => id !== null)];
}

export function toIssue(raw: RawIssue, site: SiteFields): Omit<SnapshotIssue, 'changes'> {
  const fields = raw.fields;
  const custom = (id: string | null) => (id ? (fields as Record<string, unknown>)[id] : undefined);
  const sprints = site.sprint ? (SprintFieldSchema.safeParse(custom(site.sprint)).data ?? []) : [];
  const flags = site.flagged ? (FlaggedFieldSchema.safeParse(custom(site.flagged)).data ?? []) : [];
  const points = site.points ? (PointsFieldSchema.safeParse(custom(site.points)).data ?? null) : null;
  return {
    id: raw.id,
    key: raw.key,
    project: fields.project.key,
    type: fields.issuetype.name,
    subtask: fields.issuetype.subtask === true,
    parent: fields.parent?.key ?? null,
    summary: fields.summary ?? '',
    statusId: fields.status.id,
    assigneeId: fields.assignee?.accountId ?? null,
    assigneeName: fields.assignee?.displayName ?? null,
    created: iso(fields.created),
    updated: iso(fields.updated),
    resolved: fields.resolutiondate ? iso(fields.resolutiondate) : null,
    points,
    sprintIds: (sprints ?? []).map((sprint) => sprint.id),
    flagged: (flags ?? []).length > 0,
    blockedBy: (fields.issuelinks ?? []).flatMap((link) =>
      link.inwardIssue && /blocked by/i.test(link.type.inward ?? '')
        ? [
            {
              key: link.inwardIssue.key,
              done: link.inwardIssue.fields?.status?.statusCategory?.key === 'done',
            },
          ]
        : [],
    ),
  };
}

/** The sprints an issue's sprint field names (sprints of other boards included). */
export function sprintsOfIssue(raw: RawIssue, site: SiteFields): SnapshotSprint[] {
  if (!site.sprint) return [];
  const values = SprintFieldSchema.safeParse((raw.fields as Record<string, unknown>)[site.sprint]).data ?? [];
  return (values ?? []).map((value) => toSprint(value, value.boardId ?? null));
}

export function toSprint(
  value: Pick<SprintValue, 'id' | 'name' | 'state' | 'startDate' | 'endDate' | 'completeDate' | 'goal'>,
  originBoardId: number | null,
): SnapshotSprint {
  const state = value.state.toLowerCase();
  return {
    id: value.id,
    originBoardId,
    name: value.name,
    state: (['future', 'active', 'closed'].includes(state) ? state : 'future') as SprintState,
    start: value.startDate ? iso(value.startDate) : null,
    end: value.endDate ? iso(value.endDate) : null,
    completed: value.completeDate ? iso(value.completeDate) : null,
    goal: value.goal ?? '',
  };
}

/** Changelog items of the tracked fields, oldest first (Jira's order within one history is kept). */
export function toChanges(
  histories: { created: string; items: RawChangeItem[] }[],
  site: SiteFields,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const history of histories) {
    const at = iso(history.created);
    for (const item of history.items) {
      const field = trackedField(item, site);
      if (!field) continue;
      changes.push({
        at,
        field,
        from: changedValue(field, item.from, item.fromString),
        to: changedValue(field, item.to, item.toString),
      });
    }
  }
  // Stable sort: histories arrive oldest first from the bulk endpoint, but do not rely on it.
  return changes
    .map((change, position) => ({ change, position }))
    .sort((left, right) => left.change.at.localeCompare(right.change.at) || left.position - right.position)
    .map(({ change }) => change);
}

function trackedField(item: RawChangeItem, site: SiteFields): TrackedField | null {
  const id = item.fieldId;
  const name = item.field.toLowerCase();
  if (id === 'status' || (!id && name === 'status')) return 'status';
  if ((site.sprint && id === site.sprint) || (!id && name === 'sprint')) return 'sprint';
  if ((site.points && id === site.points) || (!id && POINT_NAMES.includes(name))) return 'points';
  if ((site.flagged && id === site.flagged) || (!id && name === 'flagged')) return 'flagged';
  return null;
}

// Status and sprint changes carry ids in from/to; estimates and the flag only in the strings.
function changedValue(field: TrackedField, raw: string | null | undefined, text: string | null | undefined) {
  const value = field === 'status' || field === 'sprint' ? raw : text;
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/** Jira's timestamps (`2026-03-02T09:15:00.000+0100`) as UTC ISO strings. */
export function iso(value: string): string {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}
