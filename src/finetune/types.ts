import type { TrainingExample } from './trainer.js';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** `text`: a chunk's raw text for continued pretraining (one assistant message, every token trained). */
export type ExampleKind = 'import' | 'qa' | 'raft' | 'llm-qa' | 'text';

/** Where an example came from: the lineage that erasure follows. */
export interface ExampleProvenance {
  kind: ExampleKind;
  /** Every stored document whose text appears in the example (question source, oracle, distractors). */
  documentIds: string[];
  /** Every chunk whose text appears in the example. */
  chunkIds: string[];
  collection?: string;
  /** For imports: `file:line` (1-based) of the record. */
  origin?: string;
  /** RAFT: the chunk that holds the answer, or null when the example deliberately lacks it. */
  oracleChunkId?: string | null;
}

/** A training example as stored in a dataset: chat messages plus provenance. */
export interface DatasetExample extends TrainingExample {
  provenance: ExampleProvenance;
  split?: SplitName;
  /** Alpaca's separate instruction and input, kept so an Alpaca round trip is exact. */
  alpacaPrompt?: { instruction: string; input: string };
}

export type DatasetFormat = 'chat' | 'alpaca' | 'sharegpt' | 'csv';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['chat', 'alpaca', 'sharegpt', 'csv'];

/** One problem found in an input record; `line` is 1-based (the record index for JSON arrays). */
export interface DatasetIssue {
  line: number;
  field?: string;
  problem: 'bad-json' | 'missing-field' | 'wrong-type' | 'empty-answer' | 'too-long' | 'bad-role' | 'no-answer';
  message: string;
}

/** Counts text in the target model's tokens. */
export type TokenCounter = (text: string) => number;
