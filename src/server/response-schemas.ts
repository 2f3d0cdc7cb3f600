import { z } from 'zod';

/**
 * What the HTTP API answers, as zod schemas: the OpenAPI document is generated from them, the contract
 * test validates real responses with them, and the web UI compiles against their inferred types
 * (src/server/api-types.ts). This module imports only zod, so the browser build can read its types.
 */

export const documentFormatSchema = z.enum(['markdown', 'text', 'html', 'pdf', 'docx', 'csv', 'json', 'jsonl', 'pptx', 'xlsx', 'odt', 'epub', 'eml']);

export const pageSpanSchema = z.object({ page: z.number().int(), start: z.number().int(), end: z.number().int() });

export const chunkSchema = z.object({
  id: z.string(),
  documentId: z.string(),
  collection: z.string(),
  ordinal: z.number().int(),
  text: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  headingPath: z.array(z.string()),
  page: z.number().int().optional(),
  tokenCount: z.number(),
  textHash: z.string(),
});

export const retrievedChunkSchema = z.object({
  rank: z.number().int(),
  score: z.number(),
  scores: z.object({ bm25: z.number().optional(), vector: z.number().optional(), fused: z.number(), rerank: z.number().optional() }),
  chunk: chunkSchema,
  document: z.object({ id: z.string(), source: z.string(), title: z.string(), format: documentFormatSchema, collection: z.string(), modifiedAt: z.string() }),
});

export const citationSchema = z.object({
  n: z.number().int(),
  chunkId: z.string(),
  documentId: z.string(),
  source: z.string(),
  title: z.string(),
  page: z.number().int().optional(),
  start: z.number().int(),
  end: z.number().int(),
  quote: z.string(),
  headingPath: z.array(z.string()),
});

export const chatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const usageSchema = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
  tokenizer: z.string().optional(),
});

export const answerConflictSchema = z.object({
  kind: z.enum(['number', 'date', 'name']),
  values: z.array(z.object({ value: z.string(), citations: z.array(z.number().int()) })),
});

export const answerTraceSchema = z.object({
  query: z.string(),
  retrieved: z.array(retrievedChunkSchema),
  prompt: z.array(chatMessageSchema),
  generator: z.string(),
  support: z.number().optional(),
  timingsMs: z.record(z.string(), z.number()),
  usage: usageSchema,
  warnings: z.array(z.string()),
});

export const answerSchema = z.object({
  text: z.string(),
  citations: z.array(citationSchema),
  refused: z.boolean(),
  refusalReason: z.string().optional(),
  shortAnswer: z.object({ text: z.string(), citation: z.number().int() }).optional(),
  conflicts: z.array(answerConflictSchema).optional(),
  finishReason: z.enum(['stop', 'length']).optional(),
  trace: answerTraceSchema,
});

/** POST /api/ask: the answer and the id of its trace (GET /api/traces/:id). */
export const askResponseSchema = answerSchema.extend({ traceId: z.string() });

export const searchResponseSchema = z.object({
  results: z.array(retrievedChunkSchema),
  timingsMs: z.object({ embed: z.number(), search: z.number(), rerank: z.number(), total: z.number() }),
  warnings: z.array(z.string()),
});

export const healthSchema = z.object({ ok: z.boolean(), version: z.string() });

export const roleSchema = z.enum(['admin', 'editor', 'reader']);

export const meSchema = z.object({ name: z.string(), role: roleSchema, collections: z.array(z.string()), open: z.boolean() });

export const collectionInfoSchema = z.object({ name: z.string(), documents: z.number().int(), chunks: z.number().int() });
export const collectionListSchema = z.array(collectionInfoSchema);
export const collectionCreatedSchema = z.object({ name: z.string() });

/** Failed and duplicate uploads have no document behind them: id, format and dates are null. */
export const documentListItemSchema = z.object({
  id: z.string().nullable(),
  source: z.string(),
  title: z.string(),
  format: documentFormatSchema.nullable(),
  status: z.enum(['indexed', 'failed', 'duplicate']),
  reason: z.string().optional(),
  sizeBytes: z.number().optional(),
  modifiedAt: z.string().nullable(),
  ingestedAt: z.string().nullable(),
});
export const documentListSchema = z.array(documentListItemSchema);

export const documentSummarySchema = z.looseObject({
  id: z.string(),
  collection: z.string(),
  source: z.string(),
  title: z.string(),
  format: documentFormatSchema,
  modifiedAt: z.string(),
  ingestedAt: z.string(),
  contentHash: z.string(),
  sizeBytes: z.number(),
});
export const documentDetailSchema = z.object({ document: documentSummarySchema, text: z.string(), pages: z.array(pageSpanSchema) });

export const erasureReceiptSchema = z.object({
  reason: z.string(),
  at: z.string(),
  documents: z.array(z.object({ documentId: z.string(), source: z.string(), collection: z.string(), whole: z.boolean() })),
  store: z.object({ documents: z.number(), chunks: z.number(), reclaimedFiles: z.array(z.string()) }),
  datasets: z.array(z.object({ name: z.string(), removedExamples: z.number(), remaining: z.number() })),
  exports: z.array(z.object({ file: z.string(), removedRecords: z.number() })),
  adapters: z.array(z.object({ name: z.string(), retrainCommand: z.string() })),
  traces: z.object({ memory: z.number(), file: z.number() }),
  uploads: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const documentDeletedSchema = z.object({
  documents: z.array(z.object({ documentId: z.string(), source: z.string(), collection: z.string() })),
  chunksRemoved: z.number(),
  erasure: erasureReceiptSchema,
  lineage: z.object({ datasets: z.number(), adapters: z.array(z.string()) }),
});

export const collectionDeletedSchema = z.object({ removedDocuments: z.number(), removedChunks: z.number(), erasure: erasureReceiptSchema });

const fileErrorSchema = z.object({ code: z.string(), message: z.string() });

/** One file's outcome in an ingest; statuses carry different fields, so those beyond `status` and `source` are open. */
export const fileOutcomeSchema = z.looseObject({
  status: z.enum(['new', 'changed', 'renamed', 'unchanged', 'duplicate', 'failed']),
  source: z.string(),
  documentId: z.string().optional(),
  chunks: z.number().optional(),
  duplicateOf: z.string().optional(),
  error: fileErrorSchema.optional(),
});

export const ingestReportSchema = z.looseObject({
  collection: z.string(),
  files: z.array(fileOutcomeSchema),
  counts: z.record(z.string(), z.number()),
  chunksAdded: z.number(),
  duplicateChunks: z.number(),
  elapsedMs: z.number(),
});

export const syncReportSchema = z.object({
  collection: z.string(),
  removed: z.array(z.object({ documentId: z.string(), source: z.string() })),
  ingest: ingestReportSchema,
  erasure: erasureReceiptSchema,
});

export const jobAcceptedSchema = z.object({ jobId: z.string() });

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  collection: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  done: z.number().int(),
  total: z.number().int(),
  files: z.array(fileOutcomeSchema),
  report: ingestReportSchema.optional(),
  error: fileErrorSchema.optional(),
  createdAt: z.string(),
  seq: z.number().optional(),
  finishedAt: z.string().optional(),
});

export const traceRecordSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  question: z.string(),
  collections: z.array(z.string()),
  keyId: z.string().optional(),
  requested: z.array(z.string()).optional(),
  answer: answerSchema,
});
export const traceListSchema = z.array(traceRecordSchema);
export const traceListQuerySchema = z.object({ limit: z.string().regex(/^\d+$/).optional().describe('How many traces, newest first (1–1000, default 50).') });

export const keySummarySchema = z.object({
  keyId: z.string(),
  name: z.string(),
  role: roleSchema,
  collections: z.array(z.string()),
  prefix: z.string(),
  createdAt: z.string(),
});
export const keyListSchema = z.array(keySummarySchema);
/** The secret `key` is returned once, here, and never again. */
export const keyCreatedSchema = keySummarySchema.extend({ id: z.string(), key: z.string() });
export const keyRevokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

/** Arena runs are large measured records (docs/arena.md); the document names their top-level fields. */
export const arenaRunSummarySchema = z.object({
  id: z.string(), createdAt: z.string(), status: z.string(), protocol: z.string(), arms: z.array(z.string()), questions: z.number().int(), collections: z.array(z.string()),
});
export const arenaRunListSchema = z.object({ runs: z.array(arenaRunSummarySchema) });
export const arenaRunSchema = z.looseObject({
  id: z.string(), createdAt: z.string(), status: z.string(), protocol: z.string(), collections: z.array(z.string()),
  arms: z.array(z.looseObject({ name: z.string() })), comparisons: z.array(z.unknown()), perQuestion: z.array(z.unknown()),
});
export const advicePresetsSchema = z.object({ presets: z.array(z.looseObject({ name: z.string(), description: z.string() })) });
export const adviceSchema = z.looseObject({
  recommendation: z.string(), confidence: z.number(), confidenceLabel: z.enum(['low', 'medium', 'high']), basis: z.string(),
  reasons: z.array(z.unknown()), wouldChange: z.array(z.unknown()), criteria: z.record(z.string(), z.unknown()), scores: z.record(z.string(), z.number()),
});

export const modelEntrySchema = z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() });
export const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelEntrySchema) });

export const embeddingsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number() }),
});

export const tailorChatExtensionSchema = z.object({
  citations: z.array(citationSchema),
  refused: z.boolean(),
  trace_id: z.string(),
  question: z.string().optional(),
  short_answer: z.object({ text: z.string(), citation: z.number().int() }).optional(),
  conflicts: z.array(answerConflictSchema).optional(),
  usage_tokenizer: z.string().optional(),
});

export const chatCompletionResponseSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.null(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      logprobs: z.null(),
      finish_reason: z.enum(['stop', 'length']),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }),
  tailor: tailorChatExtensionSchema.optional().describe('Tailor\'s extension for rag: models: citations, refusal, trace id.'),
});

/** Every error: a stable code (TailorError), a message that says how to fix it, OpenAI's `type` and `param`. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** GET /api/settings: the home as the caller may see it; nothing secret, no path outside the home. */
export const settingsSchema = z.object({
  version: z.string(),
  role: roleSchema,
  open: z.boolean(),
  models: z.object({
    chat: z.string().describe('The chat model spec answering plain /v1 requests, or "extractive".'),
    embedder: z.string().describe('The embedder the home was indexed with, or "none" (BM25 only).'),
    list: z.array(z.string()).describe('The model ids /v1/models lists for this key.'),
  }),
  answering: z.object({ minSupport: z.number(), k: z.number().int() }),
  store: z.object({ kind: z.enum(['sqlite', 'postgres']), sizeBytes: z.number().nullable(), documents: z.number().int(), chunks: z.number().int() }),
  collections: z.array(collectionInfoSchema),
  limits: z
    .object({ maxUploadBytes: z.number(), maxFileBytes: z.number(), maxJsonBytes: z.number(), ratePerSecond: z.number(), rateBurst: z.number(), requestTimeoutMs: z.number() })
    .optional()
    .describe('Server limits; admins only.'),
  keys: z.number().int().optional().describe('How many keys exist; admins only.'),
});
