import type {
  ClusterRecord,
  EnvironmentLock,
  ExecutionRef,
  LanguageModel,
  Logger,
  PreparedPlan,
  ReplyInput,
} from '../../src/core/index.ts';
import { REPLY_VERSION } from '../../src/core/index.ts';
import type { DeployPlan } from './plan.ts';
import type { ClusterInput } from './steps.ts';
import { utc } from './steps.ts';

/** The plan as posted in the thread: risky items first, then what, how much, and what happens next. */
export function planReply(
  plan: DeployPlan,
  prepared: PreparedPlan | null,
  suggestions: string[],
  approvals: number,
  role: string,
): ReplyInput {
  const risks = [
    ...(prepared?.destructive.map((item) => `Destroys or replaces ${item}`) ?? []),
    ...plan.risks,
  ];
  const changes = prepared
    ? `Terraform plan: +${prepared.changes.add} ~${prepared.changes.change} -${prepared.changes.destroy} (replace ${prepared.changes.replace}), plan file sha256 ${prepared.sha256.slice(0, 12)}`
    : 'The workflow plans with these variables in its own run.';
  const next =
    approvals > 0
      ? `Next: ${approvals} approval${approvals === 1 ? '' : 's'} from role ${role} (not the requester), bound to plan ${plan.hash.slice(0, 12)}.`
      : 'Next: no approval is needed for this environment; provisioning starts now.';
  const text = `Plan for ${plan.request.name}: ${plan.nodes} × ${plan.instanceType} in ${plan.region}, ~${plan.cost.monthly} ${plan.cost.currency}/month`;
  return {
    v: REPLY_VERSION,
    text,
    blocks: [
      {
        type: 'markdown',
        text: `*Plan: ${plan.request.name}* (${plan.request.platform}, ${plan.request.env})`,
      },
      ...(risks.length > 0
        ? [{ type: 'markdown' as const, text: `⚠️ *Risks*\n${risks.map((risk) => `• ${risk}`).join('\n')}` }]
        : []),
      {
        type: 'fields',
        fields: [
          { label: 'Nodes', value: `${plan.nodes} × ${plan.instanceType}` },
          { label: 'Region', value: plan.region },
          { label: 'Monthly cost (estimate)', value: `${plan.cost.monthly} ${plan.cost.currency}` },
          { label: 'Monitoring', value: plan.monitoring.stack },
          { label: 'Plan hash', value: plan.hash.slice(0, 16) },
        ],
      },
      {
        type: 'table',
        columns: ['Cost item', 'Monthly'],
        rows: plan.cost.lines.map((line) => [line.item, String(line.monthly)]),
      },
      {
        type: 'table',
        columns: ['Terraform variable', 'Value'],
        rows: Object.entries(plan.variables).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      },
      { type: 'context', text: changes },
      ...(suggestions.length > 0
        ? [
            {
              type: 'markdown' as const,
              text: `🤖 *Suggestions from the model (advice, not part of the plan)*\n${suggestions.map((item) => `• ${item}`).join('\n')}`,
            },
          ]
        : []),
      { type: 'context', text: next },
    ],
  };
}

/**
 * With a model configured, it reviews the plan; its suggestions are labelled (risks marked, and first) and
 * change nothing. A model that fails or answers nothing usable leaves the plan without suggestions: the
 * review is advice, never a step the deploy waits on.
 */
export async function reviewPlan(
  llm: LanguageModel | null,
  plan: DeployPlan,
  prepared: PreparedPlan | null,
  log: Logger,
): Promise<string[]> {
  if (!llm) return [];
  try {
    const answer = await llm.complete({
      purpose: 'provisioning.review',
      maxTokens: 400,
      system:
        'You review Kubernetes cluster plans. Answer with at most four short bullet lines, each starting with "- Risk: " (destroy or replace, public endpoints, prod, cost) or "- Suggestion: " (improvements). No preamble.',
      messages: [
        {
          role: 'user',
          content: JSON.stringify({
            request: plan.request,
            region: plan.region,
            nodes: plan.nodes,
            instanceType: plan.instanceType,
            monthlyCost: plan.cost,
            risks: plan.risks,
            terraformChanges: prepared?.changes ?? null,
            destructive: prepared?.destructive ?? [],
          }),
        },
      ],
    });
    return labelled(answer.text);
  } catch (error) {
    log.warn('provisioning-review-failed', { error });
    return [];
  }
}

/** The model's lines, risks first (each marked ⚠️), then suggestions (💡); at most four, in their order. */
export function labelled(text: string): string[] {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/^\s*[-•*]\s*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const risk = /^risk\s*:\s*/i.exec(line);
      const body = line.replace(/^(risk|suggestion|improvement)\s*:\s*/i, '');
      return { risk: Boolean(risk), text: risk ? `⚠️ Risk: ${body}` : `💡 ${body}` };
    });
  return [...lines.filter((line) => line.risk), ...lines.filter((line) => !line.risk)]
    .slice(0, 4)
    .map((line) => line.text);
}

const ACCESS: Record<ClusterInput['platform'], (name: string, region: string) => string> = {
  k3s: (name) => `scp root@<${name}-server address>:/etc/rancher/k3s/k3s.yaml ~/.kube/${name}.yaml`,
  eks: (name, region) => `aws eks update-kubeconfig --name ${name} --region ${region}`,
  aks: (name) => `az aks get-credentials --resource-group rg-${name} --name ${name}`,
  gke: (name, region) => `gcloud container clusters get-credentials ${name} --region ${region}`,
};

/** Outputs, access instructions and a short runbook: posted in the thread and kept in `deployments`. */
export function documentation(input: ClusterInput, plan: DeployPlan, ref: ExecutionRef, runId: string) {
  const title = `Cluster ${input.name} (${input.platform}, ${input.env})`;
  const markdown = [
    `Deployed by ${input.requester} through /deploy-cluster (run ${runId}${ref.url ? `, ${ref.url}` : ''}).`,
    '',
    '## Outputs',
    `- Nodes: ${plan.nodes} × ${plan.instanceType} in ${plan.region}`,
    `- Monitoring: ${plan.monitoring.stack} in namespace monitoring`,
    `- Estimated cost: ${plan.cost.monthly} ${plan.cost.currency} per month`,
    '',
    '## Access',
    `\`${ACCESS[input.platform](input.name, plan.region)}\``,
    'Grafana: `kubectl -n monitoring port-forward svc/monitoring-grafana 3000:80`.',
    '',
    '## Runbook',
    `- Status: \`/deploy-cluster status ${runId.slice(-8)}\`.`,
    '- A node not ready: the NodeNotReady alert fires; check `kubectl get nodes` and the cloud console.',
    '- An endpoint down: the EndpointDown alert fires (blackbox exporter); check the ingress and the service.',
    `- Destroy: \`/deploy-cluster destroy ${runId.slice(-8)} confirm=${input.name}\` (needs an approval).`,
  ].join('\n');
  const reply: ReplyInput = {
    v: REPLY_VERSION,
    text: `📘 ${title} is ready`,
    blocks: [
      { type: 'markdown', text: `📘 *${title} is ready*\n${markdown}` },
      { type: 'context', text: 'Also added to the knowledge base collection "deployments".' },
    ],
  };
  return { title, markdown, reply };
}

/** A critical failure: which step, the end of its log, and the offer to roll back (with an approval). */
export function failureReport(input: ClusterInput, step: string, excerpt: string, runId: string): ReplyInput {
  const text = `❌ Deploying ${input.name} failed at ${step}. Roll back to destroy what it created (needs an approval).`;
  return {
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text },
      { type: 'markdown', text: `\`\`\`\n${excerpt.slice(-2500)}\n\`\`\`` },
      {
        type: 'buttons',
        buttons: [{ id: 'provisioning.rollback', label: 'Roll back', value: runId, style: 'danger' }],
      },
    ],
  };
}

export function clustersReply(clusters: readonly ClusterRecord[]): ReplyInput {
  if (clusters.length === 0)
    return {
      v: REPLY_VERSION,
      text: 'No clusters yet.',
      blocks: [
        {
          type: 'markdown',
          text: 'No clusters yet. Ask with `/deploy-cluster name=… platform=… env=… size=…`.',
        },
      ],
    };
  return {
    v: REPLY_VERSION,
    text: `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`,
    blocks: [
      {
        type: 'table',
        columns: ['Id', 'Name', 'Platform', 'Env', 'Status', 'Expires', 'Requested by'],
        rows: clusters.map((cluster) => [
          cluster.id.slice(-8),
          cluster.name,
          cluster.platform,
          cluster.environment,
          cluster.status,
          cluster.expiresAt ? utc(cluster.expiresAt) : '—',
          cluster.requestedBy,
        ]),
      },
    ],
  };
}

export function locksReply(locks: readonly EnvironmentLock[]): ReplyInput {
  if (locks.length === 0)
    return {
      v: REPLY_VERSION,
      text: 'No environment is locked.',
      blocks: [{ type: 'markdown', text: 'No environment is locked.' }],
    };
  return {
    v: REPLY_VERSION,
    text: `${locks.length} environment${locks.length === 1 ? '' : 's'} locked`,
    blocks: [
      {
        type: 'table',
        columns: ['Environment', 'Held by', 'Reason', 'Since', 'Until'],
        rows: locks.map((lock) => [
          lock.environment,
          lock.holderName,
          lock.reason,
          utc(lock.createdAt),
          lock.expiresAt ? utc(lock.expiresAt) : 'unlocked by hand',
        ]),
      },
    ],
  };
}
