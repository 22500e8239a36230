// DOIs, arXiv ids and code links: read from fields, from URLs, or from a listing's text.
import type { RawEntry } from '../model.js';

const DOI = /^10\.\d{4,9}\/\S+$/;
// New-style ids (2401.01234) and old-style ones (hep-th/9901001, math.GT/0309136).
const ARXIV = /^(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/i;

/** A DOI without its resolver prefix (`https://doi.org/`, `doi:`), or null when it is none. */
export function normalizeDoi(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  return DOI.test(v) ? v : null;
}

/** An arXiv id without prefix or version (`arXiv:2401.01234v2` → `2401.01234`), or null. */
export function normalizeArxiv(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim().replace(/^arxiv:\s*/i, '');
  const m = ARXIV.exec(v) ?? ARXIV.exec(arxivPath(v) ?? '');
  return m ? m[1]! : null;
}

function arxivPath(url: string): string | null {
  const m = /arxiv\.org\/(?:abs|pdf|html)\/([^\s?#]+?)(?:\.pdf)?\/?(?:[?#]|$)/i.exec(url);
  return m ? m[1]! : null;
}

/** The arXiv id a DOI or URL names: arXiv's own DOIs (10.48550/arXiv.…) and arxiv.org pages. */
export function arxivFrom(doi: string | null, url: string | null): string | null {
  const fromDoi = doi && /^10\.48550\/arxiv\.(.+)$/i.exec(doi);
  if (fromDoi) return normalizeArxiv(fromDoi[1]!);
  return url ? normalizeArxiv(arxivPath(url)) : null;
}

// In running text: a DOI ends at white space or closing punctuation; an arXiv id follows
// `arXiv:` or an arxiv.org path; a code link is a GitHub repository.
const TEXT_DOI = /\b(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/[^\s"<>{}]+)/i;
const TEXT_ARXIV = /(?:\barXiv:\s*|arxiv\.org\/(?:abs|pdf)\/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})/i;
const TEXT_GITHUB = /https?:\/\/github\.com\/[\w.-]+\/[\w.-]+/i;
const TRAILING = /[.,;:)\]]+$/;

/**
 * Gives a listing entry the identifiers its text prints: a DOI, an arXiv id, a GitHub link
 * ("Code is available at https://github.com/…" becomes the code link). Fields already set stay.
 */
export function identifiersFromText(e: RawEntry): void {
  const text = [e.title, e.abstract].filter(Boolean).join(' ');
  if (!text) return;
  if (!e.doi) {
    const m = TEXT_DOI.exec(text);
    if (m) e.doi = normalizeDoi(m[1]!.replace(TRAILING, ''));
  }
  if (!e.arxiv) {
    const m = TEXT_ARXIV.exec(text);
    if (m) e.arxiv = normalizeArxiv(m[1]!);
  }
  if (!e.codeUrl) {
    const m = TEXT_GITHUB.exec(text);
    if (m) {
      e.codeUrl = m[0].replace(TRAILING, '').replace(/\.git$/, '');
      e.code = true;
    }
  }
}
