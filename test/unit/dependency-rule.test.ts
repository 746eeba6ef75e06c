import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, readSources, violations } from '../support/dependency-rules.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('dependency rule (DESIGN.md)', () => {
  it('holds for the whole codebase', () => {
    const files = readSources(ROOT, ['src', 'adapters', 'skills', 'migrations']);
    expect(files.length).toBeGreaterThan(40);
    expect(violations(files)).toEqual([]);
  });

  it('catches each kind of violation', () => {
    const found = violations([
      {
        path: 'src/core/task.ts',
        text: "import { x } from '../db/database.ts';\nimport { Queue } from 'bullmq';",
      },
      { path: 'adapters/slack/render.ts', text: "import { y } from '../teams/render.ts';" },
      {
        path: 'skills/rfp/skill.ts',
        text: "import { z } from '../jira/skill.ts';\nimport { MikroORM } from '@mikro-orm/core';",
      },
      {
        path: 'src/agent/supervisor.ts',
        text: "import { skills } from '../../skills/index.ts';\nconst key = process.env.KEY;",
      },
      { path: 'src/main.ts', text: "import { skills } from '../skills/index.ts';" },
      { path: 'src/wiring/slack.ts', text: "import { x } from '../../adapters/slack/index.ts';" },
      { path: 'src/config/load-config.ts', text: 'const env = process.env;' },
      {
        path: 'adapters/slack/receiver.ts',
        text: "import { Queue } from 'bullmq';\nimport { App } from '@microsoft/teams.apps';\nimport { App as Bolt } from '@slack/bolt';",
      },
      {
        path: 'adapters/teams/sender.ts',
        text: "import { MikroORM } from '@mikro-orm/core';\nimport { WebClient } from '@slack/web-api';",
      },
      {
        path: 'adapters/web/receiver.ts',
        text: "import type { Redis } from 'ioredis';\nimport { App } from '@slack/bolt';\nimport { Client } from '@microsoft/teams.api';",
      },
      {
        path: 'src/queue/task-worker.ts',
        text: "import { RetryLaterError } from '../agent/process-task.ts';\nimport type { Attempt } from '../worker/process-task.ts';\nimport { toChatOpsError } from '../core/errors.ts';",
      },
      {
        path: 'src/db/knowledge-store.ts',
        text: "export interface Collection {}\nexport type SourceSpec = string;\nexport class KnowledgeStore {}\nexport { type ChunkRow } from './rows.ts';",
      },
      { path: 'src/db/database.ts', text: 'export interface Database {}' },
      {
        path: 'src/knowledge/ingest.ts',
        text: "import { type Collection, KnowledgeStore, type SourceSpec as Source, type ChunkRow } from '../db/knowledge-store.ts';\nimport type { Database } from '../db/database.ts';",
      },
    ]);
    expect(found).toEqual([
      'src/core/task.ts imports ../db/database.ts: src/core imports nothing else of ours',
      'src/core/task.ts imports bullmq: src/core may only use zod and node built-ins',
      'src/core/task.ts imports bullmq: no ORM, queue or platform SDK here',
      'adapters/slack/render.ts imports ../teams/render.ts: an adapter imports only src/core and itself',
      'skills/rfp/skill.ts imports ../jira/skill.ts: a skill imports only src/core and itself',
      'skills/rfp/skill.ts imports @mikro-orm/core: no ORM, queue or platform SDK here',
      'src/agent/supervisor.ts: reads process.env (only src/config may)',
      'src/agent/supervisor.ts imports ../../skills/index.ts: only src/main.ts wires adapters and skills in',
      'adapters/slack/receiver.ts imports bullmq: an adapter never uses the queue or the ORM (storage reaches it through its ports)',
      "adapters/slack/receiver.ts imports @microsoft/teams.apps: adapters/slack never imports another platform's SDK",
      'adapters/teams/sender.ts imports @mikro-orm/core: an adapter never uses the queue or the ORM (storage reaches it through its ports)',
      "adapters/teams/sender.ts imports @slack/web-api: adapters/teams never imports another platform's SDK",
      'adapters/web/receiver.ts imports ioredis: an adapter never uses the queue or the ORM (storage reaches it through its ports)',
      "adapters/web/receiver.ts imports @slack/bolt: adapters/web never imports another platform's SDK",
      "adapters/web/receiver.ts imports @microsoft/teams.api: adapters/web never imports another platform's SDK",
      'src/queue/task-worker.ts imports ../agent/process-task.ts: src/queue sits below the agent and the worker: it imports neither',
      'src/queue/task-worker.ts imports ../worker/process-task.ts: src/queue sits below the agent and the worker: it imports neither',
      'src/knowledge/ingest.ts imports Collection from ../db/knowledge-store.ts: a knowledge domain type lives in src/knowledge (src/db imports it from there)',
      'src/knowledge/ingest.ts imports SourceSpec from ../db/knowledge-store.ts: a knowledge domain type lives in src/knowledge (src/db imports it from there)',
      'src/knowledge/ingest.ts imports ChunkRow from ../db/knowledge-store.ts: a knowledge domain type lives in src/knowledge (src/db imports it from there)',
    ]);
  });

  it('reads static, re-export and dynamic imports', () => {
    expect(
      importsOf({
        path: 'a.ts',
        text: "import a from './a.ts';\nexport * from './b.ts';\nawait import('./c.ts');\nimport './d.ts';",
      }),
    ).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts']);
  });
});
