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
