import type { Skill } from '../src/core/index.ts';
import { approvalsSkill } from './approvals/skill.ts';
import { digestSkill } from './digest/skill.ts';
import { helpSkill } from './help/skill.ts';
import { jiraSkill } from './jira/skill.ts';
import { knowledgeSkill } from './knowledge/skill.ts';
import { provisioningSkill } from './provisioning/skill.ts';
import { runSkill } from './run/skill.ts';
import { statusSkill } from './status/skill.ts';
import { workflowsSkill } from './workflows/skill.ts';

/** The installed skills, listed explicitly: no folder scanning, no decorators. Add yours here. */
export const skills: Skill[] = [
  helpSkill,
  statusSkill,
  runSkill,
  approvalsSkill,
  knowledgeSkill,
  jiraSkill,
  digestSkill,
  provisioningSkill,
  workflowsSkill,
];
