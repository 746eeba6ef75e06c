import { userInfo } from 'node:os';
import { loadConfig } from '../config/load-config.ts';
import { TaskIntake } from '../intake/task-intake.ts';
import { createRuntime, skillServerDependencies, startWorker } from '../main.ts';
import { serveStdio } from '../mcp/server-stdio.ts';
import { createLogger } from '../observability/logger.ts';
import { type CliCommand, parseOptions } from './command.ts';

/**
 * `chatops mcp`: the bot's skills as MCP tools over stdio. Calls become tasks on the shared queue, answered
 * by the running workers (`--worker` runs one in this process too; the embedded database always does, as
 * it serves one process). Logs go to stderr: stdout belongs to the MCP client.
 */
export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: "Serve the bot's skills as MCP tools over stdio (Claude Desktop, IDE agents).",
  usage: 'chatops mcp [--worker]',
  async run(args, env) {
    const { options } = parseOptions(args);
    const config = loadConfig(env, 'cli');
    const log = createLogger(
      { level: config.log.level, format: 'json', write: (line) => process.stderr.write(`${line}\n`) },
      { mode: 'mcp' },
    );
    const embedded = config.database.kind === 'pglite';
    const runtime = await createRuntime(config, log, { subscribeLive: false, migrate: embedded });
    const worker = options.worker === true || embedded ? startWorker(runtime) : null;
    try {
      await worker?.ready;
      const user = env.USER ?? userInfo().username;
      await serveStdio(
        skillServerDependencies(runtime, new TaskIntake(runtime.ledger, runtime.queue, runtime.metrics, log)),
        { tenantId: config.tenant.defaultId, userId: `mcp:${user}`, userName: `${user} (MCP)` },
      );
      return 0;
    } finally {
      await worker?.close();
      await runtime.close();
    }
  },
};
