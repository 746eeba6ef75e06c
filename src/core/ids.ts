import { createHash, randomBytes } from 'node:crypto';

/**
 * Time-ordered UUID (version 7): ids sort by creation time, which keeps B-tree inserts local and lets
 * listings order by id. RFC 9562 layout: 48-bit millisecond timestamp, version, random bits.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = Buffer.from(randomSlice());
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Random bytes drawn 4 KiB at a time, as crypto.randomUUID does: every message and task gets an id, and one
// randomBytes call per id was 2% of the gateway's CPU under load.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;
function randomSlice(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + 16);
  offset += 16;
  return slice;
}

const SAFE_JOB_ID = /^[A-Za-z0-9._-]{1,120}$/;

/**
 * The one place BullMQ job ids are built. BullMQ rejects ids containing ':' (and treats pure integers
 * specially), while Teams and Slack ids contain ':' and '@'; unsafe ids become a stable hash.
 */
export function toJobId(...parts: string[]): string {
  const joined = parts.join('.');
  if (SAFE_JOB_ID.test(joined) && !/^\d+$/.test(joined)) return joined;
  return `h-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

/** A stable key for "this exact content" (approval arguments, dedupe of derived events). */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A UUID derived from a key (SHA-256, version 8 layout): the same key always gives the same id, so work
 * that several processes may start at once (every scheduler replica firing one schedule at one minute)
 * agrees on one task id and one job id without talking to each other.
 */
export function uuidFromKey(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
