import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  DeploymentExecutor,
  ExecutionRef,
  ExecutionRequest,
  ExecutionStatus,
  PreparedPlan,
  ValidationCheck,
} from '../core/deployments.ts';
import { ChatOpsError } from '../core/errors.ts';

export interface TerraformSettings {
  /** The terraform or tofu executable. */
  bin: string;
  workDir: string;
  /** PATH for the executable (providers' helpers); nothing else of the worker's environment is passed on. */
  path: string;
}

const PLAN_FILE = 'tfplan';
const RESULT_FILE = 'chatops-result.json';

/**
 * The Terraform/OpenTofu CLI executor, in a work directory per run: before approval `init`, `plan -out`
 * and `show -json` (the plan file's hash is part of what is approved); after approval `apply` of exactly
 * that plan file, written back from the stored bytes and checked against the hash first. Output is
 * streamed as progress. With several workers, configure a remote state backend in the templates.
 */
export class TerraformExecutor implements DeploymentExecutor {
  readonly kind = 'terraform' as const;
  readonly #settings: TerraformSettings;

  constructor(settings: TerraformSettings) {
    this.#settings = settings;
  }

  async prepare(
    request: Omit<ExecutionRequest, 'correlationId' | 'action' | 'prepared'>,
  ): Promise<PreparedPlan> {
    const dir = this.#directory(request.runId);
    this.#write(dir, request.files, request.variables);
    await this.#run(dir, ['init', '-input=false', '-no-color']);
    await this.#run(dir, ['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`]);
    const shown = await this.#run(dir, ['show', '-json', PLAN_FILE]);
    const bytes = readFileSync(join(dir, PLAN_FILE));
    return { sha256: sha256(bytes), fileBase64: bytes.toString('base64'), ...changesOf(shown.stdout) };
  }

  async start(request: ExecutionRequest, progress: (line: string) => Promise<void>): Promise<ExecutionRef> {
    const dir = this.#directory(request.runId);
    if (!existsSync(join(dir, '.terraform'))) {
      this.#write(dir, request.files, request.variables);
      await this.#run(dir, ['init', '-input=false', '-no-color']);
    }
    let args: string[];
    if (request.action === 'apply') {
      const prepared = request.prepared;
      const bytes = prepared ? Buffer.from(prepared.fileBase64, 'base64') : null;
      if (!prepared || !bytes || sha256(bytes) !== prepared.sha256) {
        throw new ChatOpsError(
          'FORBIDDEN',
          'The plan file does not match the approved plan, so nothing was applied.',
          {
            remedy: 'Request the deploy again; a new plan needs a new approval.',
            retryable: false,
          },
        );
      }
      writeFileSync(join(dir, PLAN_FILE), bytes);
      args = ['apply', '-input=false', '-no-color', PLAN_FILE];
    } else {
      args = ['destroy', '-input=false', '-no-color', '-auto-approve'];
    }
    const result = await this.#run(dir, args, progress, false);
    const ref: ExecutionRef = {
      executor: 'terraform',
      correlationId: request.correlationId,
      id: `${request.runId}`,
      url: null,
      completed: { conclusion: result.code === 0 ? 'success' : 'failure', log: tail(result.output, 40) },
    };
    writeFileSync(join(dir, `${request.action}-${RESULT_FILE}`), JSON.stringify(ref));
    return ref;
  }

  async find(correlationId: string, action: 'apply' | 'destroy'): Promise<ExecutionRef | undefined> {
    // The correlation id starts with the run's id; its work directory holds the result of a finished call.
    const runId = correlationId.slice(0, 36);
    const file = join(this.#directory(runId), `${action}-${RESULT_FILE}`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExecutionRef) : undefined;
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    return {
      state: 'completed',
      conclusion: ref.completed?.conclusion ?? 'failure',
      url: null,
      jobs: [{ name: 'terraform', status: 'completed', conclusion: ref.completed?.conclusion ?? null }],
    };
  }

  async checks(ref: ExecutionRef): Promise<ValidationCheck[]> {
    const output = await this.#run(this.#directory(ref.id), ['output', '-json', '-no-color']);
    const outputs = JSON.parse(output.stdout || '{}') as Record<string, { value?: unknown }>;
    const checks = outputs.checks?.value;
    if (!checks || typeof checks !== 'object')
      return [{ name: 'apply', ok: ref.completed?.conclusion === 'success' }];
    return Object.entries(checks as Record<string, unknown>).map(([name, ok]) => ({ name, ok: ok === true }));
  }

  async logExcerpt(ref: ExecutionRef): Promise<string> {
    return tail(ref.completed?.log ?? 'No output.', 20);
  }

  eventKey(): null {
    return null;
  }

  #directory(runId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(runId)) throw new Error(`not a run id: ${runId}`);
    return resolve(this.#settings.workDir, runId);
  }

  #write(dir: string, files: Record<string, string>, variables: Record<string, unknown>): void {
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`bad file name ${name}`);
      writeFileSync(join(dir, name), content);
    }
    writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify(variables, null, 2));
  }

  /** Runs one command; a failure throws with its output's end unless `check` is false. */
  #run(
    dir: string,
    args: string[],
    progress?: (line: string) => Promise<void>,
    check = true,
  ): Promise<{ code: number; stdout: string; output: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.#settings.bin, args, {
        cwd: dir,
        env: { PATH: this.#settings.path, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let output = '';
      let lastProgress = 0;
      const onData = (chunk: Buffer, isStdout: boolean) => {
        const text = chunk.toString('utf8');
        if (isStdout) stdout += text;
        output += text;
        const line = text.trimEnd().split('\n').at(-1);
        if (progress && line && Date.now() - lastProgress > 1000) {
          lastProgress = Date.now();
          void progress(`${args[0]}: ${line.slice(0, 200)}`).catch(() => {});
        }
      };
      child.stdout.on('data', (chunk: Buffer) => onData(chunk, true));
      child.stderr.on('data', (chunk: Buffer) => onData(chunk, false));
      child.on('error', (error) =>
        reject(
          new ChatOpsError('CONFIG_INVALID', `Could not run ${this.#settings.bin}: ${error.message}`, {
            remedy: 'Set DEPLOY_TERRAFORM_BIN to an installed terraform or tofu executable.',
            retryable: false,
          }),
        ),
      );
      child.on('close', (code) => {
        const result = { code: code ?? 1, stdout, output };
        if (check && result.code !== 0) {
          reject(
            new ChatOpsError('SKILL_FAILED', `terraform ${args[0]} failed:\n${tail(output, 20)}`, {
              remedy: 'Fix what the output names; the plan was not applied.',
              retryable: false,
            }),
          );
          return;
        }
        resolvePromise(result);
      });
    });
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** What `terraform show -json` says the plan changes; destroys and replacements are named. */
function changesOf(json: string): Pick<PreparedPlan, 'changes' | 'destructive'> {
  const plan = JSON.parse(json || '{}') as {
    resource_changes?: { address: string; change?: { actions?: string[] } }[];
  };
  const changes = { add: 0, change: 0, destroy: 0, replace: 0 };
  const destructive: string[] = [];
  for (const resource of plan.resource_changes ?? []) {
    const actions = resource.change?.actions ?? [];
    if (actions.includes('delete') && actions.includes('create')) {
      changes.replace += 1;
      destructive.push(`${resource.address} (replace)`);
    } else if (actions.includes('delete')) {
      changes.destroy += 1;
      destructive.push(`${resource.address} (destroy)`);
    } else if (actions.includes('create')) changes.add += 1;
    else if (actions.includes('update')) changes.change += 1;
  }
  return { changes, destructive };
}
