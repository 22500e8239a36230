// Hashing, kept off the start-up path: node:crypto costs about 9 ms to load, and a search
// answered from the cache needs no cryptographic hash at all.
import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

/** sha1 of some bytes or text, as hex; loads node:crypto on first use. */
export function sha1(data: string | Uint8Array): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha1').update(data).digest('hex');
}

/** sha1 of content read in chunks, as hex: a large file is hashed without being held. */
export function sha1Chunks(chunks: Iterable<Uint8Array>): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const h = crypto.createHash('sha1');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/**
 * A fast non-cryptographic 64-bit hash (two 32-bit lanes, each multiply-xor mixed), as 16 hex
 * digits. For checksums of cache sections and for cache keys built from sha1 content hashes:
 * it guards against damage, not against an adversary.
 */
export function fastHash(data: string | Uint8Array): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const n = data.length;
  if (typeof data === 'string') {
    for (let i = 0; i < n; i++) {
      const c = data.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = data[i]!;
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

// zlib's CRC-32 is native (Node 20.15 and later) and already loaded by the start-up code-cache
// check: several times faster than any checksum written in JavaScript on a cold process.
const crc32 = (createRequire(import.meta.url)('node:zlib') as { crc32?: (d: Uint8Array) => number }).crc32;

/** 32-bit FNV-1a of some bytes, where zlib has no CRC-32. */
function fnv32(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/** A 32-bit checksum of some bytes: of a cache section, a paper line, a term's postings. */
export function hash32(data: Uint8Array): number {
  return crc32 ? crc32(data) : fnv32(data);
}
