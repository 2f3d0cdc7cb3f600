import { z } from 'zod';

/** As TRAIN_BACKENDS in src/finetune/train.ts (a test keeps them equal): this file imports only zod, so the web UI can take its types. */
export const HTTP_TRAIN_BACKENDS = ['local', 'openai', 'axolotl', 'llama-factory', 'together', 'fireworks'] as const;

/** Request and response shapes of the fine-tuning and evaluation routes: they validate requests and feed the OpenAPI document. */

const name = z.string().min(1).max(100);
const collection = z.string().min(1).max(64);

export const datasetIssueSchema = z.object({
  line: z.number().int(),
  field: z.string().optional(),
  problem: z.string(),
  message: z.string(),
});

export const datasetSummarySchema = z.looseObject({
  name: z.string(),
  count: z.number().int(),
  documents: z.number().int(),
  hash: z.string(),
  splits: z.object({ train: z.number(), validation: z.number(), test: z.number(), unassigned: z.number() }),
  collections: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const datasetListSchema = z.object({ datasets: z.array(datasetSummarySchema) });

export const buildDatasetSchema = z.strictObject({
  collection,
  kind: z.enum(['qa', 'raft', 'text']).default('qa'),
  name: name.optional(),
  perChunk: z.number().int().min(1).max(20).optional(),
  maxChunks: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().optional(),
  systemPrompt: z.string().max(4000).optional(),
  mode: z.enum(['create', 'append', 'replace']).optional(),
});
export const jobAcceptedSchema = z.object({ jobId: z.string(), events: z.string() });

/** Multipart fields of POST /api/datasets/upload and /validate (the file goes in "file"). */
export const uploadFieldsSchema = z.object({
  format: z.enum(['chat', 'alpaca', 'sharegpt', 'csv']),
  collection: collection.optional(),
  name: name.optional(),
  columns: z.string().max(200).optional(),
  skipInvalid: z.enum(['true', 'false']).optional(),
  mode: z.enum(['create', 'append', 'replace']).optional(),
});
/** The multipart body as documented: the fields plus the file itself. */
export const uploadBodySchema = uploadFieldsSchema.extend({ file: z.file() });
export const uploadResultSchema = z.looseObject({
  dataset: datasetSummarySchema,
  records: z.number().int(),
  imported: z.number().int(),
  issues: z.array(datasetIssueSchema),
});
export const validateResultSchema = z.object({
  valid: z.boolean(),
  records: z.number().int(),
  examples: z.number().int(),
  issues: z.array(datasetIssueSchema),
});

export const splitSchema = z.strictObject({
  ratios: z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]).optional(),
  seed: z.number().int().optional(),
});
export const splitResultSchema = z.looseObject({ dataset: datasetSummarySchema, report: z.looseObject({ seed: z.number(), groups: z.number() }) });

export const previewQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  split: z.enum(['train', 'validation', 'test']).optional(),
});
export const previewSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  examples: z.array(z.looseObject({ id: z.string(), messages: z.array(z.object({ role: z.string(), content: z.string() })), split: z.string().optional() })),
});

export const EXPORT_FORMATS = ['chatml', 'alpaca', 'sharegpt', 'csv', 'llama-factory', 'axolotl'] as const;
export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('chatml'),
  split: z.enum(['train', 'validation', 'test']).optional(),
});

export const deletedSchema = z.object({ deleted: z.string() });

const targets = z.enum(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
export const hyperparametersSchema = z.strictObject({
  method: z.enum(['lora', 'full']).optional(),
  rank: z.number().int().min(1).max(256).optional(),
  alpha: z.number().positive().optional(),
  targetModules: z.array(targets).min(1).optional(),
  epochs: z.number().int().min(1).max(100).optional(),
  learningRate: z.number().positive().max(1).optional(),
  batchSize: z.number().int().min(1).max(1024).optional(),
  gradientAccumulation: z.number().int().min(1).max(1024).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
  maxSeqLen: z.number().int().min(8).max(131072).optional(),
  seed: z.number().int().optional(),
  earlyStoppingPatience: z.number().int().min(1).max(100).optional(),
});

export const startTrainingSchema = z.strictObject({
  dataset: name,
  /** A GGUF file the server offers (local), or a model id (openai, together, fireworks, axolotl, llama-factory). */
  base: z.string().min(1).max(500),
  backend: z.enum(HTTP_TRAIN_BACKENDS).default('local'),
  adapter: name.optional(),
  hyperparameters: hyperparametersSchema.optional(),
});

export const trainingRunSchema = z.looseObject({
  id: z.string(),
  adapter: z.string(),
  dataset: z.string(),
  base: z.string(),
  backend: z.string(),
  collections: z.array(z.string()),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
  totalSteps: z.number(),
  etaSeconds: z.number().optional(),
  steps: z.array(z.object({ step: z.number(), epoch: z.number(), loss: z.number() })),
  epochs: z.array(z.object({ epoch: z.number(), trainLoss: z.number(), validationLoss: z.number().optional() })),
  bestEpoch: z.number().nullable(),
  stoppedEarly: z.boolean(),
  perplexity: z.object({ before: z.number().nullable(), after: z.number().nullable() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  notes: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const trainingListSchema = z.object({ runs: z.array(trainingRunSchema) });
export const trainingStartedSchema = z.object({ jobId: z.string(), adapter: z.string(), events: z.string() });
export const baseModelsSchema = z.object({ models: z.array(z.object({ name: z.string() })), backends: z.array(z.string()) });

export const adapterSummarySchema = z.looseObject({
  name: z.string(),
  backend: z.string(),
  format: z.string(),
  createdAt: z.string(),
  baseModel: z.object({ ref: z.string(), sha256: z.string().optional() }),
  dataset: z.looseObject({ name: z.string().optional(), hash: z.string(), examples: z.number(), documents: z.number() }),
  collections: z.array(z.string()),
  metrics: z.looseObject({ trainLoss: z.array(z.number()), validationLoss: z.array(z.number()) }),
  containsErasedData: z.boolean(),
});
export const adapterListSchema = z.object({ adapters: z.array(adapterSummarySchema) });
export const adapterDetailSchema = adapterSummarySchema.extend({
  hyperparameters: z.record(z.string(), z.unknown()),
  perplexity: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
  lineage: z.object({
    documents: z.array(z.object({ id: z.string(), source: z.string().nullable(), title: z.string().nullable(), collection: z.string().nullable(), erased: z.boolean() })),
    dataset: z.object({ name: z.string().nullable(), exists: z.boolean(), hashMatches: z.boolean() }),
  }),
  erasures: z.array(z.looseObject({ at: z.string(), documentIds: z.array(z.string()) })),
  retrainCommand: z.string().optional(),
});

export const startArenaSchema = z.strictObject({
  collections: z.array(collection).min(1).max(20),
  /** As `tailor arena --arms`: name[=model[+adapter:NAME][+k:N]],… with models "extractive" or "gguf:<a model the server offers>". */
  arms: z.string().min(1).max(2000),
  protocol: z.enum(['knowledge-injection', 'generalisation']).optional(),
  maxQuestions: z.number().int().min(1).max(1000).optional(),
  testShare: z.number().gt(0).lt(1).optional(),
  k: z.number().int().min(1).max(50).optional(),
  seed: z.number().int().optional(),
  train: z.boolean().optional(),
  epochs: z.number().int().min(1).max(50).optional(),
  rank: z.number().int().min(1).max(64).optional(),
  maxTokens: z.number().int().min(1).max(4096).optional(),
});
export const arenaStartedSchema = z.object({ jobId: z.string(), runId: z.string(), events: z.string() });

export const statsSchema = z.object({
  documents: z.number(),
  chunks: z.number(),
  collections: z.array(z.object({ name: z.string(), documents: z.number(), chunks: z.number() })),
  datasets: z.number(),
  adapters: z.number(),
  trainingRuns: z.number(),
  vectors: z.number().optional(),
});
