import { describe, expect, it } from 'vitest';
import { checkCommandArguments, describeArgumentProblems, parseCommandText } from '../../src/core/index.ts';

describe('command text', () => {
  it('splits key=value arguments (quoted or not) from positional words', () => {
    expect(parseCommandText('/deploy-cluster env=dev size="3 nodes" note=\'a b\' please now')).toEqual({
      command: 'deploy-cluster',
      args: { env: 'dev', size: '3 nodes', note: 'a b' },
      text: 'please now',
    });
  });

  it('treats /chatops <sub> as the command <sub>, and bare /chatops as help', () => {
    expect(parseCommandText('/chatops status')?.command).toBe('status');
    expect(parseCommandText('/chatops')?.command).toBe('help');
  });

  it('is not a command unless it starts with /name', () => {
    expect(parseCommandText('hello /status')).toBeNull();
    expect(parseCommandText('/Status')).toBeNull();
    expect(parseCommandText('/')).toBeNull();
  });
});

describe('declared command arguments', () => {
  const declared = [
    { name: 'env', description: 'environment', required: true, choices: ['dev', 'prod'] },
    { name: 'size', description: 'nodes', required: false, pattern: '[1-9][0-9]?' },
  ];

  it('accepts good arguments', () => {
    expect(checkCommandArguments(declared, { env: 'dev', size: '3' })).toEqual([]);
  });

  it('reports missing, unknown, out-of-choice and malformed arguments, each once', () => {
    const problems = checkCommandArguments(declared, { evn: 'prod', size: '300' });
    expect(problems).toEqual([
      { argument: 'evn', problem: 'is not an argument of this command (it takes: env, size)' },
      { argument: 'env', problem: 'is required' },
      { argument: 'size', problem: 'must match [1-9][0-9]?' },
    ]);
    expect(checkCommandArguments(declared, { env: 'staging' })[0]?.problem).toBe('must be one of dev, prod');
    expect(describeArgumentProblems(problems).split('\n')).toHaveLength(3);
  });

  it('anchors patterns so a partial match does not pass', () => {
    expect(checkCommandArguments(declared, { env: 'dev', size: '3; rm -rf /' })).toHaveLength(1);
  });
});
