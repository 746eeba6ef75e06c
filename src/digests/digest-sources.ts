import { approvalCard } from '../agent/approvals/card.ts';
import { summaryOf } from '../agent/approvals/query.ts';
import type { ChannelMembersPort } from '../core/channels.ts';
import type { DigestSources, PendingApprovalCard } from '../core/digests.ts';
import type { ApprovalBlock } from '../core/reply.ts';
import type { Platform } from '../core/task.ts';
import type { ApprovalDecisionStore } from '../db/approval-decision-store.ts';
import type { ApprovalStore } from '../db/approval-store.ts';
import type { Database } from '../db/database.ts';
import type { DigestQueries } from '../db/digest-queries.ts';
import { jiraDigestSource } from '../integrations/jira/digest-source.ts';
import type { JiraService } from '../integrations/jira/service.ts';
import { readDeploymentReport } from '../provisioning/report.ts';

export interface DigestSourceDependencies {
  approvals: ApprovalStore;
  decisions: ApprovalDecisionStore;
  queries: DigestQueries;
  members: ChannelMembersPort;
  /** The provisioning engine's tables (runs, clusters, locks) are read from here. */
  database: Database;
  /** The Jira analytics engine, or null where Jira is not configured (then no `jira` source). */
  jira: JiraService | null;
}

export interface DigestPlace {
  tenantId: string;
  platform: Platform;
  channel: string;
}

/** Most approval cards one digest carries; the rest are listed in a table. */
const MAX_APPROVALS = 100;

/**
 * The digest sources of one place (tenant, platform, channel): pending approvals with the cards their own
 * messages show, the knowledge base's activity as that channel's members may read it, and the tenant's
 * usage, the provisioning runs, clusters and locks, and (where Jira is configured) the Jira board's sprint.
 * An engine adds its source here and in src/core/digests.ts.
 */
export function digestSources(deps: DigestSourceDependencies, place: DigestPlace): DigestSources {
  return {
    approvals: {
      async pending(filter) {
        const rows = await deps.approvals.pending(place.tenantId, place.platform, MAX_APPROVALS);
        const wanted = filter.channel ? rows.filter((row) => row.channel === filter.channel) : rows;
        return Promise.all(
          wanted.map(async (row): Promise<PendingApprovalCard> => {
            const card = approvalCard(row, await deps.decisions.of(row.id)).blocks[0] as ApprovalBlock;
            const { messageId: _messageId, action: _action, ...summary } = summaryOf(row);
            return { ...summary, card };
          }),
        );
      },
    },
    knowledge: {
      async activity(period, options) {
        const members = await deps.members.members(place.tenantId, place.platform, place.channel);
        const scope = {
          tenantId: place.tenantId,
          platform: place.platform,
          channel: `${place.platform}:${place.channel}`,
          readers: members === null ? null : [...members],
          admin: false,
        };
        return deps.queries.knowledgeActivity(scope, place, period, options.questionsFrom);
      },
    },
    usage: {
      summary: (period) => deps.queries.usage(place.tenantId, period),
    },
    deployments: {
      activity: (period) => readDeploymentReport(deps.database, place.tenantId, period.start, period.end),
    },
    ...(deps.jira ? { jira: jiraDigestSource(deps.jira, place) } : {}),
  };
}
