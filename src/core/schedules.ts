import type { Platform } from './task.ts';

/**
 * The schedules port: recurring runs of a skill command (digests, knowledge-base re-syncs) that the
 * scheduler (`chatops scheduler`, src/scheduler) turns into `kind: schedule` tasks, one per fire time, with
 * a deterministic job id so that every scheduler replica firing the same minute collapses into one run.
 */
export interface ScheduleDefinition {
  /** Stable name within a tenant, e.g. `kb-sync-handbook` or `digest-ops-weekly`. */
  name: string;
  tenantId: string;
  /** A five- or six-field cron expression, e.g. `0 9 * * 1-5`. */
  cron: string;
  /** IANA time zone of the cron expression, e.g. `Europe/Berlin`. */
  timezone: string;
  /** Where the run's replies go. */
  platform: Platform;
  channel: string;
  /** The command the run executes (without the slash) and its text and `key=value` arguments. */
  command: string;
  text: string;
  args: Record<string, string>;
  /** Who created it (shown in listings and audited). */
  createdBy: string;
  enabled: boolean;
  /**
   * What the platform needs beyond the channel to post there (`ReplyAddress.ref`, e.g. the Teams service
   * URL learnt when the schedule was made in that conversation). Absent: the platform's defaults.
   */
  replyRef?: Record<string, unknown>;
}

export interface ScheduleSummary extends ScheduleDefinition {
  id: string;
  /** The next fire time as an ISO string, or null when disabled. */
  nextRunAt: string | null;
  lastRunAt: string | null;
}

/** Reads and writes schedules; the scheduler process picks changes up on its next tick. */
export interface SchedulesPort {
  /** Creates or replaces the schedule with this tenant and name. */
  upsert(definition: ScheduleDefinition): Promise<ScheduleSummary>;
  /** Deletes the schedule; `actor` is who asked (audited). */
  remove(tenantId: string, name: string, actor?: string): Promise<boolean>;
  /** A tenant's schedules, optionally only those posting to one platform channel. */
  list(tenantId: string, where?: { platform?: Platform; channel?: string }): Promise<ScheduleSummary[]>;
}
