/**
 * Contract problems found while a test runs. Checks never throw inside nock (a throw there looks like a
 * network error, and SDKs retry it); they are collected here and the global afterEach in
 * test/support/setup-network.ts fails the test that caused them.
 */
const found: string[] = [];
const pending = new Set<Promise<unknown>>();

export function reportProblem(problem: string): void {
  found.push(problem);
}

/** Runs an asynchronous check (specs load lazily) and records what it reports. */
export function checkLater(check: () => Promise<string[]>): void {
  const running = check()
    .then((problems) => {
      for (const problem of problems) found.push(problem);
    })
    .catch((error: unknown) => {
      found.push(
        `contract check crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    })
    .finally(() => pending.delete(running));
  pending.add(running);
}

/** Waits for checks still running, then returns and clears every problem found so far. */
export async function settleContractProblems(): Promise<string[]> {
  while (pending.size > 0) await Promise.all([...pending]);
  return found.splice(0, found.length);
}

/** Problems found so far (without clearing them), for tests that assert explicitly. */
export async function contractProblems(): Promise<string[]> {
  while (pending.size > 0) await Promise.all([...pending]);
  return [...found];
}
