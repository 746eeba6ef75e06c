import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/knowledge/analyzer.ts';
import { queryTerms } from '../../src/knowledge/query.ts';
import { EXPANSION_WEIGHT, expansions, SYNONYM_GROUPS } from '../../src/knowledge/synonyms.ts';

describe('the synonym lexicon', () => {
  it('adds the other members of a group at a lower weight, a phrase sharing it among its words', () => {
    const added = expansions(analyze('How do I rename a folder?'));
    expect(added.get('directori')).toBe(EXPANSION_WEIGHT);
    expect(added.get('new')).toBe(EXPANSION_WEIGHT / 2);
    expect(added.get('name')).toBe(EXPANSION_WEIGHT / 2);
    expect(added.has('folder')).toBe(false);
  });

  it('matches phrases only as consecutive words, and never expands a word the question has', () => {
    expect(expansions(analyze('a new name for the archive')).get('renam')).toBe(EXPANSION_WEIGHT);
    expect(expansions(analyze('the name is new')).has('renam')).toBe(false);
    const terms = queryTerms('copy the folder to the directory');
    expect(terms.filter((term) => term.term === 'directori')).toEqual([{ term: 'directori', weight: 1 }]);
  });

  it('leaves out phrases that would fire on a bare word once the analyser drops a stop word', () => {
    // "log in" is "log" after the analyser: a question about log files must not turn into one about logins.
    expect([...expansions(analyze('Where are the log files?')).keys()]).not.toContain('login');
  });

  it('holds groups of at least two distinct members, all of them analysable', () => {
    for (const group of SYNONYM_GROUPS) {
      expect(new Set(group).size).toBe(group.length);
      expect(group.length).toBeGreaterThanOrEqual(2);
      for (const member of group) expect(analyze(member).length).toBeGreaterThan(0);
    }
  });
});
