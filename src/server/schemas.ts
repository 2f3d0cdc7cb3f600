import { z } from 'zod';

const collectionList = z.array(z.string().min(1).max(64)).max(100);

export const filterSchema = z
  .object({
    sourceGlob: z.string().max(500).optional(),
    formats: z.array(z.enum(['markdown', 'text', 'html', 'pdf', 'docx', 'csv', 'json', 'jsonl', 'pptx', 'xlsx', 'odt', 'epub', 'eml'])).optional(),
    modifiedAfter: z.string().max(40).optional(),
    modifiedBefore: z.string().max(40).optional(),
  })
  .strict();

export const searchSchema = z.object({
  query: z.string().min(1).max(4000),
  k: z.number().int().min(1).max(100).optional(),
  collections: collectionList.optional(),
  filter: filterSchema.optional(),
});

export const askSchema = z.object({
  question: z.string().min(1).max(4000),
  collections: collectionList.optional(),
  k: z.number().int().min(1).max(50).optional(),
  minSupport: z.number().min(0).max(1).optional(),
  stream: z.boolean().optional(),
  filter: filterSchema.optional(),
  history: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(20_000) }))
    .max(100)
    .optional()
    .describe('Earlier turns of the conversation, oldest first: a follow-up ("what does it stand for?") is resolved against them before retrieving.'),
});

export const createCollectionSchema = z.object({ name: z.string().min(1).max(64) });

export const createKeySchema = z.object({
  name: z.string().min(1).max(100),
  role: z.enum(['admin', 'editor', 'reader']),
  collections: collectionList.min(1),
});

export const syncSchema = z.object({}).loose().optional();

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/** OpenAI clients send many optional fields (top_p, n, tools…); unknown ones are accepted and ignored. */
export const chatCompletionSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().min(1).max(1).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionSchema>;

export const embeddingsSchema = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
