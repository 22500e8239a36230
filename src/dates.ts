import { maxOf } from './arrays.js';
import type { PaperDate } from './model.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Month number (1-12) of an English month name or its three-letter form, else null. */
export function monthNumber(name: string): number | null {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return i < 0 ? null : i + 1;
}

/** Regex source for a month name as listings print it (`Oct`, `Sept`, `October`). */
export const MONTH_PATTERN =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

/** A date read from `Oct 8, 2023` or `Jun 3`; the year is null until inferYears fills it. */
export function makeDate(month: string, day: string, year: string | undefined): PaperDate | null {
  const m = monthNumber(month);
  const d = Number(day);
  if (m === null || !(d >= 1 && d <= 31)) return null;
  return { year: year ? Number(year) : null, month: m, day: d, inferred: false };
}

/**
 * Fills in the year of dates printed without one.
 * Listings print the year only for dates outside the year they were captured in, so the capture
 * year is at least one after the latest explicit year in the same file (`Oct 25, 2025` … `Jun 3`
 * → 2026). With no explicit year, the file's modification time (when it was saved) gives it.
 * Returns false when there is neither.
 */
export function inferYears(dates: PaperDate[], capturedMs?: number): boolean {
  const explicit = dates.filter((d) => d.year !== null && !d.inferred).map((d) => d.year as number);
  const missing = dates.filter((d) => d.year === null);
  if (missing.length === 0) return true;
  if (explicit.length === 0) {
    if (capturedMs === undefined) return false;
    // No year printed at all: the file was saved in the year of its dates, or the one after
    // for a date later in the year than the day it was saved (`Dec 28` saved on Jan 3).
    const saved = new Date(capturedMs);
    for (const d of missing) {
      const later = (d.month ?? 0) > saved.getMonth() + 1 || ((d.month ?? 0) === saved.getMonth() + 1 && (d.day ?? 0) > saved.getDate());
      d.year = saved.getFullYear() - (later ? 1 : 0);
      d.inferred = true;
    }
    return true;
  }
  const year = maxOf(explicit) + 1;
  for (const d of missing) {
    d.year = year;
    d.inferred = true;
  }
  return true;
}
