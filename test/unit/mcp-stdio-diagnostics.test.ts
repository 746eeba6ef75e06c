import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commandLine, downloadsFirst, StderrTail } from '../../src/mcp/stdio-diagnostics.ts';

describe('stdio MCP server diagnostics', () => {
  it('keeps only a bounded tail of stderr, whole characters, secrets redacted', async () => {
    const stream = new PassThrough();
    const tail = new StderrTail(4_000);
    const seen: string[] = [];
    tail.follow(stream, (line) => seen.push(line));
    for (let index = 0; index < 5_000; index += 1) stream.write(`line ${index} ${'x'.repeat(50)}\n`);
    // A character split across two chunks arrives whole.
    const euro = Buffer.from('price: €5\n');
    stream.write(euro.subarray(0, 8));
    stream.write(euro.subarray(8));
    stream.write(`token ghp_${'a'.repeat(36)} and ${'y'.repeat(1_000)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    // 290 kB went in; only the last 4,000 characters are kept.
    expect(tail.lines(10_000).join('\n').length).toBeLessThanOrEqual(4_000);
    const lines = tail.lines(3, 120);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^line 4999 x+$/);
    expect(lines[1]).toBe('price: €5');
    expect(lines[2]).toMatch(/^token \[REDACTED\] and y+…$/);
    expect(lines[2]).toHaveLength(120);
    expect(seen.at(-1)).toContain('[REDACTED]');
    expect(seen.every((line) => line.length <= 300)).toBe(true);
    expect(new StderrTail().lines()).toEqual([]);
  });

  it('shows the command line as a shell would, without secrets', () => {
    expect(commandLine('npx', ['-y', '@modelcontextprotocol/server-filesystem', '/srv/my docs'])).toBe(
      "npx -y @modelcontextprotocol/server-filesystem '/srv/my docs'",
    );
    expect(commandLine('node', ['server.js', `--token=ghp_${'b'.repeat(36)}`])).toBe(
      'node server.js --token=[REDACTED]',
    );
    expect(commandLine('node', ['x'.repeat(400)])).toHaveLength(300);
  });

  it('knows which commands download the server first', () => {
    expect(downloadsFirst('npx', ['-y', 'x'])).toBe(true);
    expect(downloadsFirst('/usr/local/bin/uvx', ['mcp-server-git'])).toBe(true);
    expect(downloadsFirst('npm', ['exec', 'x'])).toBe(true);
    expect(downloadsFirst('node', ['server.js'])).toBe(false);
  });
});
