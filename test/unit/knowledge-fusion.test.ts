import { describe, expect, it } from 'vitest';
import { type Candidate, DEFAULT_TUNING, fuse } from '../../src/db/knowledge-ranking.ts';

const candidate = (chunkId: string, documentId: string, score: number): Candidate => ({
  chunkId,
  documentId,
  score,
});
const order = (fused: { chunkId: string }[]) => fused.map((entry) => entry.chunkId);

describe('fusion of the vector and full-text rankings', () => {
  it('keeps a clear full-text winner first whatever the vectors prefer', () => {
    const text = [candidate('a', 'A', 1), candidate('b', 'B', 0.5)];
    const vector = [candidate('b', 'B', 0.9), candidate('c', 'C', 0.8), candidate('a', 'A', 0.1)];
    expect(order(fuse(vector, text, DEFAULT_TUNING, 3))).toEqual(['a', 'b', 'c']);
  });

  it('lets the vectors decide a close call, and rescue a passage without a shared word', () => {
    const text = [candidate('a', 'A', 1), candidate('b', 'B', 0.95)];
    const vector = [candidate('b', 'B', 0.9), candidate('c', 'C', 0.85), candidate('a', 'A', 0.2)];
    const fused = fuse(vector, text, DEFAULT_TUNING, 3);
    expect(order(fused)).toEqual(['b', 'a', 'c']);
    expect(fused[0]).toMatchObject({ similarity: 0.9, textRank: 0.95 });
    expect(fused[2]?.score).toBeGreaterThan(0);
  });

  it('discounts each further passage of a document, so other pages come first', () => {
    const text = [candidate('a1', 'A', 1), candidate('a2', 'A', 0.9), candidate('b', 'B', 0.8)];
    const fused = fuse([], text, DEFAULT_TUNING, 3);
    expect(order(fused)).toEqual(['a1', 'b', 'a2']);
    expect(fused[2]?.score).toBeCloseTo(0.9 * DEFAULT_TUNING.sameDocumentDecay);
    expect(order(fuse([], text, { ...DEFAULT_TUNING, sameDocumentDecay: 1 }, 3))).toEqual(['a1', 'a2', 'b']);
  });

  it('ranks by one ranking alone when the other has nothing, and keeps reciprocal ranks for comparison', () => {
    const vector = [candidate('a', 'A', 0.7), candidate('b', 'B', 0.6)];
    expect(fuse(vector, [], DEFAULT_TUNING, 5).map((entry) => entry.score)).toEqual([0.7, 0.6]);
    const text = [candidate('b', 'B', 1), candidate('a', 'A', 0.99)];
    const byRank = fuse(vector, text, { ...DEFAULT_TUNING, fusion: 'rank' }, 2);
    expect(byRank[0]?.score).toBeCloseTo(1 / 61 + DEFAULT_TUNING.vectorWeight / 62);
  });
});
