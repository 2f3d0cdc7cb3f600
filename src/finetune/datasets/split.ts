import { TailorError } from '../../core/errors.js';
import { createRandom, shuffled } from '../../core/random.js';
import { SPLIT_NAMES, type DatasetExample, type SplitName } from '../types.js';

export interface SplitOptions {
  /** train, validation, test; they are normalised to sum to 1. */
  ratios?: [number, number, number];
  seed?: number;
}

export interface SplitReport {
  ratios: [number, number, number];
  seed: number;
  /** Groups of examples that share a document and so must stay together. */
  groups: number;
  splits: Record<SplitName, { examples: number; documents: number }>;
}

export const DEFAULT_SPLIT_RATIOS: [number, number, number] = [0.8, 0.1, 0.1];

export function parseRatios(text: string): [number, number, number] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts.reduce((a, b) => a + b, 0) <= 0) {
    throw new TailorError('INVALID_ARGUMENT', `Bad split ratios "${text}": give train,validation[,test] as non-negative numbers, e.g. 0.8,0.1,0.1.`);
  }
  return [parts[0], parts[1], parts[2] ?? 0];
}

/**
 * Assigns every example to train/validation/test so that no document's text is in two splits.
 * Examples that share any document (a question and its distractors, two questions from one
 * file) form one group; whole groups are dealt out, largest first, to the split furthest below
 * its share. Imported examples with no document are their own group.
 */
export function splitByDocument(examples: DatasetExample[], options: SplitOptions = {}): { examples: DatasetExample[]; report: SplitReport } {
  const raw = options.ratios ?? DEFAULT_SPLIT_RATIOS;
  const sum = raw.reduce((a, b) => a + b, 0);
  const ratios = raw.map((r) => r / sum) as [number, number, number];
  const seed = options.seed ?? 42;
  const groups = groupByDocument(examples);
  const random = createRandom(seed);
  const order = shuffled(groups, random).sort((a, b) => b.length - a.length);
  const filled = [0, 0, 0];
  const assignment = new Map<number, SplitName>();
  for (const group of order) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let s = 0; s < 3; s++) {
      if (ratios[s] === 0) continue;
      const deficit = ratios[s] * examples.length - filled[s];
      if (deficit > bestDeficit) [best, bestDeficit] = [s, deficit];
    }
    filled[best] += group.length;
    for (const index of group) assignment.set(index, SPLIT_NAMES[best]);
  }
  const out = examples.map((e, i) => ({ ...e, split: assignment.get(i)! }));
  const splits = Object.fromEntries(SPLIT_NAMES.map((name) => {
    const members = out.filter((e) => e.split === name);
    return [name, { examples: members.length, documents: new Set(members.flatMap((e) => e.provenance.documentIds)).size }];
  })) as SplitReport['splits'];
  return { examples: out, report: { ratios, seed, groups: groups.length, splits } };
}

/** Connected components of "shares a document" (union–find over example indexes). */
function groupByDocument(examples: DatasetExample[]): number[][] {
  const parent = examples.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const ownerOf = new Map<string, number>();
  examples.forEach((e, i) => {
    for (const documentId of e.provenance.documentIds) {
      const owner = ownerOf.get(documentId);
      if (owner === undefined) ownerOf.set(documentId, i);
      else parent[find(i)] = find(owner);
    }
  });
  const groups = new Map<number, number[]>();
  examples.forEach((_, i) => {
    const root = find(i);
    const group = groups.get(root) ?? [];
    group.push(i);
    groups.set(root, group);
  });
  return [...groups.values()];
}
