// From source files to papers: decode, detect, parse, merge, key. Returns data; never prints.
import { pushAll } from './arrays.js';
import { assignKeys } from './keys.js';
import { entryKeys, mergeEntries, type CiteKey, type EntryKeys } from './merge.js';
import type { MergeReason, Paper, ParseResult, Progress, RawEntry, Warning } from './model.js';
import { keptText, type Line } from './sources/layout.js';
import { identifiersFromText } from './sources/identifiers.js';
import { mathSymbols } from './sources/latex.js';
import { decode, type SourceFile } from './sources/read.js';
import { openLines, textLines, type LineSource, type ReadLine } from './sources/stream.js';
import type { LibraryInfo } from './search/store.js';
import { closestLayout, detectLayout } from './sources/registry.js';

/** What was made of one file: its layout (null when none fit) and how many entries it gave. */
export interface FileReport {
  file: string;
  layout: string | null;
  entries: number;
}

/** What one file gave: kept by an engine that updates in place, so an unchanged file is not read again. */
export interface ParsedFile {
  report: FileReport;
  entries: RawEntry[];
  warnings: Warning[];
  /** What the merge derives from each entry on its own: derived as the file is read, or as a store kept it. */
  keys?: EntryKeys;
}

/** An earlier read of a file whose content (hash) is unchanged, or null. */
export type Reuse = (file: SourceFile) => ParsedFile | null;

/** Told of each file as soon as it is read (not one reused), with what the merge will derive from its entries. */
export type OnParsed = (file: SourceFile, parsed: ParsedFile) => void;

export interface Library {
  files: FileReport[];
  entries: RawEntry[];
  papers: Paper[];
  /** Per paper, what the key register recognises it by (MergeResult.fingerprints). */
  fingerprints: string[][];
  /** Per paper, the citation keys its sources gave it (MergeResult.citeKeys). */
  citeKeys: CiteKey[][];
  reasons: Map<string, MergeReason[]>;
  warnings: Warning[];
  /** Per source file, what it gave (in the order of files). */
  parsed: ParsedFile[];
  /** Each source file's content hash, by the name it is shown as. */
  hashes: Map<string, string>;
  /** The entries each paper was made from (MergeResult.members and memberStart). */
  members: Int32Array;
  memberStart: Int32Array;
  /** What the merge derived from each entry (MergeResult.keys), in the order of `entries`. */
  keys: EntryKeys;
}

/** The summary a store keeps of the library it holds (`entries`: how many the files gave, for a library that let them go). */
export function librarySummary(lib: Library, litVersion: string, key: string, entries = lib.entries.length): LibraryInfo {
  return {
    litVersion,
    key,
    files: lib.files,
    warnings: lib.warnings,
    entries,
    papers: lib.papers.length,
    merged: lib.papers.filter((p) => p.sources.length > 1).length,
    untitled: lib.papers.filter((p) => p.title === null).length,
    reasons: [...lib.reasons.entries()],
  };
}

// Detection reads this many lines of a file; no layout needs more to be recognised.
const DETECT_LINES = 500;
// No listing line is this long; a longer one is a data dump that would only slow every regex.
const MAX_LINE = 100_000;

function tooLong(file: string, n: number, length: number): Warning {
  return { code: 'line-too-long', file, line: n, message: `line is ${length} characters long, too long for any listing; skipped` };
}

// Sources beyond this many bytes in all are held as entries, not as their text (see parseOne).
const COPY_ABOVE = 256 * 2 ** 20;

// About a second of parsing on a laptop (a 100,000-entry .bib is 50 MB and takes 4-5 s).
const LONG_PARSE = 8 * 2 ** 20;

/** Appends a file's entry keys to the library's, for its entries from `at` on (entries before without keys are left holes). */
function appendKeys(keys: EntryKeys, file: EntryKeys, at: number): void {
  keys.titleKeys.length = keys.ids.length = at;
  // One at a time: spreading 250,000 into push() overflows the stack.
  for (const k of file.titleKeys) keys.titleKeys.push(k);
  for (const k of file.ids) keys.ids.push(k);
}

/** Parses each file with the layout detected from its content (never from its name). */
export function parseFiles(files: SourceFile[], onProgress?: Progress, reuse?: Reuse, onParsed?: OnParsed): { reports: FileReport[]; entries: RawEntry[]; warnings: Warning[]; parsed: ParsedFile[]; keys: EntryKeys } {
  const reports: FileReport[] = [];
  const entries: RawEntry[] = [];
  const warnings: Warning[] = [];
  const parsed: ParsedFile[] = [];
  // Per entry, what the merge derives from it alone: handed back for a reused file, derived for one read now.
  const keys: EntryKeys = { titleKeys: [], ids: [] };
  const total = files.reduce((n, f) => n + (f.size ?? 0), 0);
  for (const [i, f] of files.entries()) {
    onProgress?.('reading sources', i, files.length);
    const known = reuse?.(f);
    if (known) {
      reports.push(known.report);
      if (known.keys) appendKeys(keys, known.keys, entries.length);
      for (const e of known.entries) entries.push(e);
      for (const w of known.warnings) warnings.push(w);
      parsed.push(known);
      continue;
    }
    const before = { entries: entries.length, warnings: warnings.length };
    parseOne(f, i);
    const mine = entries.slice(before.entries);
    // Derived here rather than in the merge, so that a store can keep them as the file is read.
    const derived = entryKeys(mine);
    appendKeys(keys, derived, before.entries);
    const file: ParsedFile = { report: reports[reports.length - 1]!, entries: mine, warnings: warnings.slice(before.warnings), keys: derived };
    parsed.push(file);
    onParsed?.(f, file);
  }
  return { reports, entries, warnings, parsed, keys };

  function parseOne(f: SourceFile, i: number): void {
    // A file this large takes a second or more to parse: say so before it starts, not after.
    if (onProgress && (f.size ?? 0) > LONG_PARSE) onProgress(`reading ${f.display} (${Math.round(f.size! / 2 ** 20)} MB)`, i, files.length, { long: true });
    const opened = openLines(f, MAX_LINE);
    if (opened.kind === 'none') {
      pushAll(warnings, opened.warnings);
      reports.push({ file: f.display, layout: null, entries: 0 });
      return;
    }
    // UTF-16 is decoded whole, as before: such files are a tool's small exports.
    const whole = opened.kind === 'whole' ? decode(f) : null;
    if (whole) pushAll(warnings, whole.warnings);
    if (whole?.text === null) {
      reports.push({ file: f.display, layout: null, entries: 0 });
      return;
    }
    const rest: LineSource = opened.kind === 'lines' ? opened.lines : textLines(whole!.text);
    // Layouts are told apart by their first lines; the rest is read only for the one chosen.
    const head: Line[] = [];
    const longHead: Warning[] = [];
    for (let l = rest.next(); l; l = head.length < DETECT_LINES ? rest.next() : null) {
      const kept = keptLine(l, longHead);
      if (kept) head.push(kept);
    }
    const found = detectLayout(head);
    if (!found) {
      // The whole file is read all the same, so that what its encoding needed is reported in full.
      while (rest.next());
      pushAll(warnings, rest.warnings());
      pushAll(warnings, longHead);
      if (head.length) {
        const { names, closest } = closestLayout(head);
        const why = closest ? `the closest, ${closest.name}, fits it ${Math.round(closest.confidence * 100)}%, under the 50% lit needs` : `its first line (${JSON.stringify(head[0]!.text.slice(0, 40))}) opens none of them`;
        warnings.push({ code: 'unknown-layout', file: f.display, line: head[0]!.n, message: `file is in none of the known layouts (${names.join(', ')}): ${why}; skipped` });
      } else if (!longHead.length && !warnings.some((w) => w.file === f.display)) warnings.push({ code: 'empty-file', file: f.display, message: 'file has no text; skipped' });
      reports.push({ file: f.display, layout: null, entries: 0 });
      f.release?.();
      return;
    }
    const ctx = { file: f.display, ...(f.mtimeMs !== undefined ? { mtimeMs: f.mtimeMs } : {}) };
    let result: ParseResult;
    if (found.layout.parseText) {
      // BibTeX and JSON are read as one text: an entry may span any number of lines.
      rest.close();
      const decoded = whole ?? decode(f);
      f.release?.();
      if (!whole) pushAll(warnings, decoded.warnings);
      const text = decoded.text;
      if (text === null) {
        reports.push({ file: f.display, layout: null, entries: 0 });
        return;
      }
      result = found.layout.parseText(text, ctx);
      // The text of a file is let go once parsed, but a string sliced from it would keep it all:
      // four files of 350 MB, held as two-byte text, would be 2.8 GB (a million entries ran out
      // of the 4 GB heap). Fresh copies do not; they cost time, so only where it matters.
      if (total > COPY_ABOVE) result.entries = JSON.parse(JSON.stringify(result.entries)) as RawEntry[];
    } else {
      const lines = head;
      for (let l = rest.next(); l; l = rest.next()) {
        const kept = keptLine(l, longHead);
        if (kept) lines.push(kept);
      }
      f.release?.();
      pushAll(warnings, rest.warnings());
      pushAll(warnings, longHead);
      result = found.layout.parse(lines, ctx);
    }
    if (!found.layout.structured) {
      for (const e of result.entries) {
        if (e.title) e.title = mathSymbols(e.title);
        if (e.abstract) e.abstract = mathSymbols(e.abstract);
        identifiersFromText(e);
      }
    }
    reports.push({ file: f.display, layout: found.layout.name, entries: result.entries.length });
    // One at a time: spreading 125,000 entries into push() overflows the stack.
    for (const e of result.entries) entries.push(e);
    for (const w of result.warnings) warnings.push(w);

    /** A line as numberedLines() keeps it (trailing white space off, blank ones dropped), or null; one too long is reported. */
    function keptLine(l: ReadLine, long: Warning[]): Line | null {
      if (l.tooLong !== undefined) {
        long.push(tooLong(f.display, l.n, l.tooLong));
        return null;
      }
      const t = keptText(l.text);
      if (t === null) return null;
      if (t.length > MAX_LINE) {
        long.push(tooLong(f.display, l.n, t.length));
        return null;
      }
      return { n: l.n, text: t };
    }
  }
}
/** Papers from already-found source files, merged but not yet keyed. */
export function readLibrary(files: SourceFile[], readWarnings: Warning[] = [], onProgress?: Progress, reuse?: Reuse, onParsed?: OnParsed): Library {
  const parsed = parseFiles(files, onProgress, reuse, onParsed);
  onProgress?.(`merging ${parsed.entries.length} entries`);
  const merged = mergeEntries(parsed.entries, parsed.keys);
  return {
    files: parsed.reports,
    entries: parsed.entries,
    papers: merged.papers,
    fingerprints: merged.fingerprints,
    citeKeys: merged.citeKeys,
    reasons: merged.reasons,
    warnings: [...readWarnings, ...parsed.warnings, ...merged.warnings],
    parsed: parsed.parsed,
    hashes: new Map(files.map((f) => [f.display, f.hash])),
    members: merged.members,
    memberStart: merged.memberStart,
    keys: merged.keys,
  };
}

/** The whole library, keyed as a first run with an empty key register would key it. */
export function buildLibrary(files: SourceFile[], readWarnings: Warning[] = [], keyScheme?: string, onProgress?: Progress): Library {
  const lib = readLibrary(files, readWarnings, onProgress);
  pushAll(lib.warnings, assignKeys(lib.papers, lib.fingerprints, [], keyScheme, lib.citeKeys).warnings);
  return lib;
}
