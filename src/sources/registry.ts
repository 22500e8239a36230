// Every layout lit reads. A new layout is one module in layouts/ and one line here.
import type { Layout, Line } from './layout.js';
import { abstracts } from './layouts/abstracts.js';
import { alphaxiv } from './layouts/alphaxiv.js';
import { bibtex } from './layouts/bibtex.js';
import { cslJson } from './layouts/csl-json.js';
import { hfdaily } from './layouts/hfdaily.js';
import { litJson } from './layouts/lit-json.js';
import { litYaml } from './layouts/lit-yaml.js';
import { profile } from './layouts/profile.js';
import { ris } from './layouts/ris.js';

export const LAYOUTS: readonly Layout[] = [profile, abstracts, alphaxiv, hfdaily, bibtex, ris, cslJson, litJson, litYaml];

// Below this no layout is trusted: a guess would turn prose into bogus papers.
const MIN_CONFIDENCE = 0.5;

/** The layout that best fits the lines, or null when none fits well enough. */
export function detectLayout(lines: Line[]): { layout: Layout; confidence: number } | null {
  let best: { layout: Layout; confidence: number } | null = null;
  for (const layout of LAYOUTS) {
    const confidence = layout.detect(lines);
    if (confidence >= MIN_CONFIDENCE && (!best || confidence > best.confidence)) best = { layout, confidence };
  }
  return best;
}

/** Why no layout fits: the names of all, and the closest with how well it fits (0 to 1). */
export function closestLayout(lines: Line[]): { names: string[]; closest: { name: string; confidence: number } | null } {
  let closest: { name: string; confidence: number } | null = null;
  for (const layout of LAYOUTS) {
    const confidence = layout.detect(lines);
    if (confidence > 0 && (!closest || confidence > closest.confidence)) closest = { name: layout.name, confidence };
  }
  return { names: LAYOUTS.map((l) => l.name), closest };
}
