// Bad input through the built binary: a clear message naming the file, nothing lost, never a stack trace.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, lit, tempDir } from './helpers.js';

const BAD = path.join(FIXTURES, 'bad');
const bad = (name: string) => path.join(BAD, name);
const seed = 'seeds/000_d8cb28e390c8b537.txt';
const rel = (p: string) => path.relative(path.resolve(FIXTURES, '../..'), p);

/** Reads one bad file beside a good seed file: the seed's 10 papers must survive. */
function withSeed(file: string, args: string[] = ['index', '--json']) {
  const r = lit(['-s', seed, '-s', rel(file), ...args]);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
}

describe('bad input', () => {
  it.each([
    ['empty file.txt', /empty file\.txt: file is empty; skipped \[empty-file\]/],
    ['a PNG image.png', /a PNG image\.png: file is binary, not a text listing; skipped \[binary-file\]/],
    ['none of the known layouts.txt', /none of the known layouts\.txt:1: file is in none of the known layouts \(profile, abstracts, alphaxiv, hfdaily, bibtex, ris, csl-json, lit-json, lit-yaml\): .*; skipped \[unknown-layout\]/],
  ])('%s is skipped with one message and the rest still works', (name, message) => {
    const r = withSeed(bad(name));
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(JSON.parse(r.stdout).papers).toBe(10);
  });

  it('invalid UTF-8 is read as Windows-1252, line by line, and the line named', () => {
    const r = withSeed(bad('invalid UTF-8.txt'));
    expect(r.stderr).toMatch(/invalid UTF-8\.txt:1: file is not valid UTF-8 \(1 line, the first here\); read it as Windows-1252 \[encoding\]/);
    expect(JSON.parse(r.stdout).papers).toBe(12);
  });

  it('a byte order mark changes nothing', () => {
    const dir = tempDir();
    const plain = path.join(dir, 'plain.txt');
    writeFileSync(plain, Buffer.from(readFileSync(bad('UTF-8 byte order mark.txt'))).subarray(3));
    const a = JSON.parse(lit(['-s', rel(bad('UTF-8 byte order mark.txt')), 'list', '--json']).stdout);
    const b = JSON.parse(lit(['-s', plain, 'list', '--json']).stdout);
    const strip = (ps: { sources: unknown; provenance: unknown }[]) => ps.map(({ sources: _s, provenance: _p, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a[0].title).toBe('A Paper Read Through a Byte Order Mark');
  });

  it('CRLF line endings change nothing', () => {
    const dir = tempDir();
    const lf = path.join(dir, 'lf.txt');
    writeFileSync(lf, readFileSync(bad('CRLF line endings.txt'), 'utf8').replace(/\r\n/g, '\n'));
    const a = JSON.parse(lit(['-s', rel(bad('CRLF line endings.txt')), 'list', '--json']).stdout);
    const b = JSON.parse(lit(['-s', lf, 'list', '--json']).stdout);
    expect(a.map((p: { title: string }) => p.title)).toEqual(['Carriage Returns Do Not Change Titles: A Study', 'A Second Paper With CRLF']);
    expect(a.map((p: { abstract: string }) => p.abstract)).toEqual(b.map((p: { abstract: string }) => p.abstract));
  });

  it('a 20 MB file with one line is reported, not hung on', () => {
    const dir = tempDir();
    const big = path.join(dir, 'one line.txt');
    writeFileSync(big, 'x'.repeat(20 * 1024 * 1024));
    const r = withSeed(big);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/one line\.txt:1: line is 20971520 characters long, too long for any listing; skipped \[line-too-long\]/);
    expect(JSON.parse(r.stdout).papers).toBe(10);
  });

  it('a truncated entry at the end is kept and reported', () => {
    const r = withSeed(bad('truncated entry at the end.txt'), ['list', '--json']);
    expect(r.stderr).toMatch(/truncated entry at the end\.txt:17: entry has no abstract; kept with what it has \[incomplete-entry\]/);
    expect(JSON.parse(r.stdout).map((p: { title: string }) => p.title)).toContain('A Block Cut Off After Its Title');
  });

  it('blocks missing lines are kept or reported, each by line', () => {
    const r = withSeed(bad('listing blocks missing lines.txt'), ['list', '--json']);
    expect(r.stderr).toMatch(/listing blocks missing lines\.txt:1: listing header with no title or abstract after it; skipped/);
    expect(r.stderr).toMatch(/listing blocks missing lines\.txt:3: entry has no abstract/);
    const titles = JSON.parse(r.stdout).map((p: { title: string }) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['A Title With No Abstract', 'Fine Paper With Everything In Place']));
  });

  it('a folder with no readable files is reported', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'only a subfolder'));
    const r = withSeed(dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/folder holds no files to read \[empty-folder\]/);
    const pngOnly = tempDir();
    copyFileSync(bad('a PNG image.png'), path.join(pngOnly, 'image.png'));
    expect(withSeed(pngOnly).stderr).toMatch(/image\.png: file is binary/);
  });

  it('a path that does not exist is an error (status 2) naming it', () => {
    const r = lit(['-s', seed, '-s', 'no/such/listing.txt', 'list']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('lit: no/such/listing.txt: no such file or folder\n');
  });

  it('a file that cannot be read is reported and the rest still works', () => {
    const dir = tempDir();
    const locked = path.join(dir, 'locked.txt');
    copyFileSync(seed, locked);
    chmodSync(locked, 0o000);
    chmodSync(dir, 0o755);
    const cacheDir = tempDir();
    chmodSync(cacheDir, 0o777);
    let r;
    if (process.getuid?.() === 0) {
      // root reads anything: drop to nobody to see what a user sees.
      const s = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/lit.js', '-s', seed, '-s', locked, 'index', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, LIT_CACHE_DIR: cacheDir, HOME: cacheDir },
      });
      r = { status: s.status, stdout: s.stdout, stderr: s.stderr };
    } else r = lit(['-s', seed, '-s', locked, 'index', '--json'], { cacheDir });
    expect(r.stderr).toMatch(/locked\.txt: cannot read file \(permission denied\); skipped \[unreadable-file\]/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).papers).toBe(10);
  });

  it('--strict turns skipped input into status 4', () => {
    const r = lit(['--strict', '-s', seed, '-s', rel(bad('empty file.txt')), 'list']);
    expect(r.status).toBe(4);
    expect(r.stdout.trim().split('\n')).toHaveLength(10);
    expect(lit(['--strict', 'list']).status).toBe(0);
  });

  it('a config file with a YAML syntax error names the file and line and exits 2', () => {
    const r = lit(['list'], { cwd: bad('bad config') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad config\/lit\.config\.yaml:3: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('warnings already shown (D19)', () => {
  it('shrink to one line on later commands over an unchanged library, and lit index lists them all again', () => {
    const cacheDir = tempDir();
    const args = ['-s', seed, '-s', rel(bad('empty file.txt')), '-s', rel(bad('a PNG image.png'))];
    const first = lit([...args, 'list'], { cacheDir });
    expect(first.stderr.trim().split('\n')).toHaveLength(2);
    const later = lit([...args, 'list'], { cacheDir });
    expect(later.status).toBe(0);
    expect(later.stderr.trim().split('\n')).toEqual(['lit: 2 warnings from reading the sources, unchanged since they were built; lit index lists them']);
    expect(lit([...args, 'index'], { cacheDir }).stderr).toBe(first.stderr);
    // --strict still counts them.
    expect(lit([...args, '--strict', 'list'], { cacheDir }).status).toBe(4);
  });
});
