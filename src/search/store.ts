// The library on disk: one versioned file of sections, read piecemeal.
//
// A plain MiniSearch.loadJSON of 10,000 papers takes ~0.45 s on Node 20, more than a whole
// search may take. So the index is split: the MiniSearch skeleton (document ids, field
// lengths), a sorted vocabulary with offsets, and per-term postings. A query reads the postings
// of its own terms (plus their prefix and fuzzy expansions) and hands just those to
// MiniSearch.loadJS, whose BM25 scores then equal those of the full index. Papers are JSON
// lines read by offset, so a search parses only the papers it prints.
import { hash32 } from '../hash.js';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileReport } from '../library.js';
import type { MergeReason, Paper, Warning } from '../model.js';

/** Bump when the layout of the file or of any section changes. */
export const STORE_VERSION = 9;
const MAGIC = 'LITCACHE';

/** Summary facts kept with the index, so `lit index` needs no re-parse. */
export interface LibraryInfo {
  litVersion: string;
  key: string;
  files: FileReport[];
  warnings: Warning[];
  entries: number;
  papers: number;
  /** Papers made from two or more entries. */
  merged: number;
  untitled: number;
  reasons: [string, MergeReason[]][];
}

/**
 * MiniSearch's serialized form less everything per document: the global figures BM25 needs.
 * Per-document data (field lengths, years, ids) lives in binary sections, and a query builds
 * MiniSearch's per-document maps only for the documents its postings name.
 */
export interface Meta {
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  dirtCount: number;
  serializationVersion: number;
}

export interface Vocab {
  /** Sorted index terms. */
  terms: string[];
  /** Start of each term's postings; the next start (or the section end) closes it. */
  starts: number[];
  /** Documents each term occurs in. */
  df: number[];
}

/** The commonest word each term came from, where it differs (`prune` ← `pruning`): read only for "did you mean". */
export type Surface = Record<string, string>;

/** Paper ids, citation keys and their aliases, sorted, with the short id of each: read only to resolve an id. */
export interface Lookup {
  names: string[];
  sids: number[];
}

/** Order of the sorted sections (terms, ids): by UTF-16 code unit, as the searcher's binary search compares. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Year stored for a paper with none. */
export const NO_YEAR = -2147483648;

interface Header {
  version: number;
  sections: Record<SectionName, [offset: number, length: number, checksum: string]>;
  total: number;
}

type SectionName =
  | 'info'
  | 'meta'
  | 'lengths'
  | 'years'
  | 'termText'
  | 'termOffsets'
  | 'termStarts'
  | 'termDf'
  | 'surface'
  | 'postings'
  | 'postingSums'
  | 'lookup'
  | 'starts'
  | 'papers'
  | 'paperSums';
const SECTIONS: SectionName[] = ['info', 'meta', 'lengths', 'years', 'termText', 'termOffsets', 'termStarts', 'termDf', 'surface', 'postings', 'postingSums', 'lookup', 'starts', 'papers', 'paperSums'];

/** The vocabulary as binary sections: the terms' UTF-8 bytes end to end, where each starts, and their figures. */
function vocabSections(v: Vocab): Pick<Record<SectionName, Buffer>, 'termText' | 'termOffsets' | 'termStarts' | 'termDf'> {
  const encoded = v.terms.map((t) => Buffer.from(t));
  const offsets = new Uint32Array(encoded.length + 1);
  encoded.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
  return { termText: Buffer.concat(encoded), termOffsets: bytes(offsets), termStarts: bytes(Float64Array.from(v.starts)), termDf: bytes(Uint32Array.from(v.df)) };
}

/** Thrown when a cache file is not one we can trust; the caller rebuilds it. */
export class BadStoreError extends Error {
  /** True when the store is sound but built from other contents of the same sources. */
  readonly stale: boolean = false;
}

/** The parts of a store, as the builder makes them. */
export interface StoreParts {
  info: LibraryInfo;
  meta: Meta;
  /** Field lengths, documents × fields. */
  lengths: Uint32Array;
  years: Int32Array;
  vocab: Vocab;
  surface: Surface;
  postings: Buffer;
  /** hash32 of each term's postings, in vocabulary order: a slice read by offset is checked too. */
  postingSums: Uint32Array;
  lookup: Lookup;
  /** Byte offset of each paper's line in the papers section. */
  starts: Float64Array;
  papers: Buffer;
  /** hash32 of each paper's line. */
  paperSums: Uint32Array;
}

const bytes = (a: Uint32Array | Int32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** Writes the sections into one buffer: magic, header length, header, then the sections. */
export function encodeStore(parts: StoreParts): Buffer {
  // Typed arrays go out in the machine's byte order: a cache is read where it was written.
  const bodies: Record<SectionName, Buffer> = {
    info: json(parts.info),
    meta: json(parts.meta),
    lengths: bytes(parts.lengths),
    years: bytes(parts.years),
    ...vocabSections(parts.vocab),
    surface: json(parts.surface),
    postings: parts.postings,
    postingSums: bytes(parts.postingSums),
    lookup: json(parts.lookup),
    starts: bytes(parts.starts),
    papers: parts.papers,
    paperSums: bytes(parts.paperSums),
  };
  let offset = 0;
  const sections = {} as Header['sections'];
  for (const name of SECTIONS) {
    const b = bodies[name];
    sections[name] = [offset, b.length, String(hash32(b))];
    offset += b.length;
  }
  const header = Buffer.from(JSON.stringify({ version: STORE_VERSION, sections, total: offset } satisfies Header));
  const lead = Buffer.from(`${MAGIC}${String(STORE_VERSION).padStart(4, '0')}${String(header.length).padStart(10, '0')}`);
  return Buffer.concat([lead, header, ...SECTIONS.map((n) => bodies[n])]);
}

const LEAD = MAGIC.length + 4 + 10;

/** Reads sections of a store from a file (by offset) or from a buffer just built. */
export class StoreReader {
  private header: Header;
  private base: number;
  private cache = new Map<SectionName, Buffer>();

  private constructor(
    private readonly source: { fd: number } | { buf: Buffer },
    size: number,
  ) {
    const lead = this.raw(0, LEAD).toString('latin1');
    if (!lead.startsWith(MAGIC)) throw new BadStoreError('not a lit cache file');
    if (Number(lead.slice(MAGIC.length, MAGIC.length + 4)) !== STORE_VERSION) throw new BadStoreError('cache written by another version');
    const hlen = Number(lead.slice(MAGIC.length + 4));
    if (!Number.isInteger(hlen) || hlen <= 0 || LEAD + hlen > size) throw new BadStoreError('cache header is cut short');
    try {
      this.header = JSON.parse(this.raw(LEAD, hlen).toString('utf8')) as Header;
    } catch {
      throw new BadStoreError('cache header is damaged');
    }
    this.base = LEAD + hlen;
    if (this.header.version !== STORE_VERSION || this.base + this.header.total !== size) throw new BadStoreError('cache file is truncated or padded');
  }

  /** Opens a cache file; throws BadStoreError for anything but a whole, current store. */
  static openFile(file: string): StoreReader {
    const fd = openSync(file, 'r');
    try {
      return new StoreReader({ fd }, fstatSync(fd).size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  static fromBuffer(buf: Buffer): StoreReader {
    return new StoreReader({ buf }, buf.length);
  }

  close(): void {
    if ('fd' in this.source) closeSync(this.source.fd);
  }

  private raw(offset: number, length: number): Buffer {
    if ('buf' in this.source) return this.source.buf.subarray(offset, offset + length);
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.source.fd, out, got, length - got, offset + got);
      if (n === 0) throw new BadStoreError('cache file ended early');
      got += n;
    }
    return out;
  }

  /** A whole section, checked against its hash. */
  section(name: SectionName): Buffer {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const [off, len, sha] = this.header.sections[name];
    const b = this.raw(this.base + off, len);
    if (String(hash32(b)) !== sha) throw new BadStoreError(`cache section ${name} is damaged`);
    this.cache.set(name, b);
    return b;
  }

  json<T>(name: SectionName): T {
    try {
      return JSON.parse(this.section(name).toString('utf8')) as T;
    } catch (err) {
      if (err instanceof BadStoreError) throw err;
      throw new BadStoreError(`cache section ${name} is not valid JSON`);
    }
  }

  /** A slice of a section, checked against its own checksum (one paper line, one term's postings). */
  slice(name: SectionName, start: number, end: number, sum: number | undefined): Buffer {
    const [off, len] = this.header.sections[name];
    if (start < 0 || end > len || start > end) throw new BadStoreError(`cache section ${name} offsets out of range`);
    const b = this.raw(this.base + off + start, end - start);
    if (sum === undefined || hash32(b) !== sum) throw new BadStoreError(`cache section ${name} is damaged`);
    return b;
  }

  sectionLength(name: SectionName): number {
    return this.header.sections[name][1];
  }

  /** A binary section as a typed array (copied, so alignment never matters). */
  typed<T extends Uint32Array | Int32Array | Float64Array>(name: SectionName, make: new (n: number) => T, width: number): T {
    const b = this.section(name);
    if (b.length % width !== 0) throw new BadStoreError(`cache section ${name} has a broken length`);
    const out = new make(b.length / width);
    bytes(out).set(b);
    return out;
  }
}

/** Parses one paper line; a damaged line is a damaged cache. */
export function parsePaperLine(b: Buffer): Paper {
  try {
    const p = JSON.parse(b.toString('utf8')) as Paper;
    if (typeof p.id !== 'string') throw new Error('no id');
    return p;
  } catch {
    throw new BadStoreError('cache paper record is damaged');
  }
}
