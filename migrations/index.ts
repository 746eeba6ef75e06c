import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000EnableVector } from './Migration20261122000000_enable_vector.ts';
import { Migration20261122000100CoreTables } from './Migration20261122000100_core_tables.ts';
import { Migration20261123200000AgentTables } from './Migration20261123200000_agent_tables.ts';
import { Migration20261123400000TeamsContacts } from './Migration20261123400000_teams_contacts.ts';
import { Migration20261202100000SlackInstallations } from './Migration20261202100000_slack_installations.ts';
import { Migration20261202200000Approvals } from './Migration20261202200000_approvals.ts';
import { Migration20261202300000KnowledgeBase } from './Migration20261202300000_knowledge_base.ts';
import { Migration20261202400000Schedules } from './Migration20261202400000_schedules.ts';
import { Migration20261207100000ApiKeyIdentities } from './Migration20261207100000_api_key_identities.ts';
import { Migration20261207200000TaskRequeues } from './Migration20261207200000_task_requeues.ts';
import { Migration20261208100000KnowledgeTermStatistics } from './Migration20261208100000_knowledge_term_statistics.ts';
import { Migration20261208200000JiraSnapshot } from './Migration20261208200000_jira_snapshot.ts';
import { Migration20261208300000Digests } from './Migration20261208300000_digests.ts';
import { Migration20261208400000Workflows } from './Migration20261208400000_workflows.ts';
import { Migration20261208400100Provisioning } from './Migration20261208400100_provisioning.ts';

/**
 * Migrations in order. An explicit list (not a folder scan) so the same code runs from source, in tests
 * and in a bundled image. Append new migrations at the end; never edit one that has shipped.
 */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000000_enable_vector', class: Migration20261122000000EnableVector },
  { name: 'Migration20261122000100_core_tables', class: Migration20261122000100CoreTables },
  { name: 'Migration20261123200000_agent_tables', class: Migration20261123200000AgentTables },
  { name: 'Migration20261123400000_teams_contacts', class: Migration20261123400000TeamsContacts },
  { name: 'Migration20261202100000_slack_installations', class: Migration20261202100000SlackInstallations },
  { name: 'Migration20261202200000_approvals', class: Migration20261202200000Approvals },
  { name: 'Migration20261202300000_knowledge_base', class: Migration20261202300000KnowledgeBase },
  { name: 'Migration20261202400000_schedules', class: Migration20261202400000Schedules },
  { name: 'Migration20261207100000_api_key_identities', class: Migration20261207100000ApiKeyIdentities },
  { name: 'Migration20261207200000_task_requeues', class: Migration20261207200000TaskRequeues },
  {
    name: 'Migration20261208100000_knowledge_term_statistics',
    class: Migration20261208100000KnowledgeTermStatistics,
  },
  { name: 'Migration20261208200000_jira_snapshot', class: Migration20261208200000JiraSnapshot },
  { name: 'Migration20261208300000_digests', class: Migration20261208300000Digests },
  { name: 'Migration20261208400000_workflows', class: Migration20261208400000Workflows },
  { name: 'Migration20261208400100_provisioning', class: Migration20261208400100Provisioning },
];
