import nock from 'nock';
import { afterEach } from 'vitest';
import { resetContractOrigins } from './contract/contract-nock.ts';
import { settleContractProblems } from './contract/problems.ts';

// No test may reach the internet: only loopback (our own servers, PostgreSQL, Redis, Chromium's page).
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

// A request or fixture that breaks a vendor's spec (see test/support/contract) fails the test it came from.
afterEach(async () => {
  const problems = await settleContractProblems();
  resetContractOrigins();
  if (problems.length > 0) {
    throw new Error(
      `Contract problems (checked against the vendors' specs in test/fixtures/specs):\n  - ${problems.join('\n  - ')}`,
    );
  }
});
