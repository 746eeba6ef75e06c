/**
 * The fake Jira of bench/jira.ts in a process of its own, so the benchmark's peak memory is the sync's
 * and not the generated world's. Generates a seeded team history (ISSUES, CLOSED_SPRINTS, SEED), serves it
 * on 127.0.0.1 and prints one JSON line with its URL; it stops when its standard input closes.
 */
import { generateWorld } from '../../test/support/fake-jira/generate.ts';
import { startFakeJira } from '../../test/support/fake-jira/server.ts';

const started = performance.now();
const world = generateWorld({
  seed: Number(process.env.SEED ?? 42),
  issues: Number(process.env.ISSUES ?? 10_000),
  closedSprints: Number(process.env.CLOSED_SPRINTS ?? 24),
  now: Date.now() - 2 * 3_600_000,
});
const generatedMs = performance.now() - started;
const fake = await startFakeJira({
  world,
  credentials: { email: 'bench@example.com', token: 'bench-token-0000' },
});
const histories = [...world.issues.values()].reduce((sum, issue) => sum + issue.histories.length, 0);
process.stdout.write(
  `${JSON.stringify({ url: fake.url, issues: world.issues.size, histories, generatedMs })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void fake.close().then(() => process.exit(0));
});
