import { generateText } from '../../providers/generate.js';
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { TailorError } from '../../core/errors.js';
import type { ChatMessage, Citation, Usage } from '../../core/types.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { readJson } from '../limits.js';
import { chatCompletionSchema, type ChatCompletionRequest } from '../schemas.js';
import { answerQuestion, createWriteChain } from '../answering.js';
import { errorBody } from '../errors.js';
import { EXTRACTIVE_MODEL, ragCollection, resolveRagModel, visibleCollections } from './openai-models.js';
import { refuseUnsupportedFields } from './openai-fields.js';
import { resolveFollowUp } from '../../answer/follow-up.js';
import type { AnswerConflict } from '../../core/types.js';
import { seesAll } from '../auth.js';
import { splitAdapterModel } from '../finetune/adapter-models.js';

interface Outcome {
  text: string;
  usage: Usage;
  finishReason: 'stop' | 'length';
  tailor?: {
    citations: Citation[];
    refused: boolean;
    trace_id: string;
    /** The question as retrieved for, when a follow-up was resolved against the conversation. */
    question?: string;
    short_answer?: { text: string; citation: number };
    conflicts?: AnswerConflict[];
    /** Present when usage is an estimate: the tokenizer that counted it. */
    usage_tokenizer?: string;
  };
}

/** POST /v1/chat/completions: `rag:<collection>` answers with citations; a plain id goes to the configured ChatModel. */
export function chatRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/chat/completions', async (c) => {
    const body = await readJson(c, chatCompletionSchema);
    refuseUnsupportedFields(body as Record<string, unknown>);
    const principal = principalOf(c);
    const messages = toMessages(body);
    let run: (onText?: (delta: string) => void) => Promise<Outcome>;
    // "rag:hr+adapter:NAME" answers from hr with the adapter's model; "adapter:NAME" is that model alone.
    const named = splitAdapterModel(body.model);
    const adapterModel = named.adapter !== undefined ? await deps.adapterModels.get(principal, named.adapter) : undefined;
    const modelId = named.model;
    const collection = ragCollection(modelId);
    // "extractive" (listed by /v1/models when no chat model is configured) answers over every collection the key can read.
    const extractiveAll = collection === undefined && !deps.chatModel && body.model === EXTRACTIVE_MODEL;
    if (collection !== undefined || extractiveAll) {
      if (collection !== undefined) await resolveRagModel(deps, principal, modelId);
      if (body.stop !== undefined && body.stop !== null) {
        throw new TailorError('INVALID_ARGUMENT', `The field "stop" is not supported for "${body.model}": answers are composed from cited sentences, not sampled; limit length with max_tokens.`, { details: { param: 'stop' } });
      }
      const { question, resolvedFrom } = resolveFollowUp(messages);
      if (!question) throw new TailorError('INVALID_ARGUMENT', 'messages has no user message with text: the last user message is the question.', { details: { param: 'messages' } });
      const scope = collection !== undefined ? [collection] : seesAll(principal) ? undefined : await visibleCollections(deps, principal);
      run = async (onText) => {
        const { answer, traceId } = await answerQuestion(deps, {
          question, scope, keyId: principal.keyId, requested: collection !== undefined ? [collection] : undefined, onText, abortSignal: c.req.raw.signal, chatModel: adapterModel,
          maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined, temperature: body.temperature ?? undefined,
        });
        return {
          text: answer.text, usage: answer.trace.usage, finishReason: answer.finishReason ?? 'stop',
          tailor: {
            citations: answer.citations, refused: answer.refused, trace_id: traceId,
            ...(resolvedFrom ? { question } : {}),
            ...(answer.shortAnswer ? { short_answer: answer.shortAnswer } : {}),
            ...(answer.conflicts ? { conflicts: answer.conflicts } : {}),
            ...(answer.trace.usage.tokenizer ? { usage_tokenizer: answer.trace.usage.tokenizer } : {}),
          },
        };
      };
    } else {
      if (adapterModel && modelId !== '') throw new TailorError('NOT_FOUND', `Unknown model "${body.model}": name an adapter as "adapter:NAME" or "rag:<collection>+adapter:NAME" (GET /v1/models).`, { details: { param: 'model' } });
      const model = adapterModel ?? deps.chatModel;
      if (!model) throw new TailorError('NOT_FOUND', `Unknown model "${body.model}": this server has no chat model; use "${EXTRACTIVE_MODEL}" or "rag:<collection>" (GET /v1/models).`, { details: { param: 'model' } });
      if (!adapterModel && body.model !== model.modelId) throw new TailorError('NOT_FOUND', `Unknown model "${body.model}": this server offers "${model.modelId}" and "rag:<collection>" models (GET /v1/models).`);
      const call = {
        messages, maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined, temperature: body.temperature ?? undefined,
        stop: typeof body.stop === 'string' ? [body.stop] : body.stop ?? undefined, seed: body.seed ?? undefined, abortSignal: c.req.raw.signal,
      };
      run = async (onText) => {
        const generated = await generateText(model, call, onText);
        return { text: generated.text, usage: generated.usage, finishReason: generated.finishReason === 'length' ? 'length' : 'stop' };
      };
    }

    const id = 'chatcmpl-' + randomBytes(12).toString('hex');
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      const out = await run();
      return c.json({
        id, object: 'chat.completion', created, model: body.model, system_fingerprint: null,
        choices: [{ index: 0, message: { role: 'assistant', content: out.text, refusal: null }, logprobs: null, finish_reason: out.finishReason }],
        usage: openAiUsage(out.usage),
        ...(out.tailor ? { tailor: out.tailor } : {}),
      });
    }
    return streamSSE(c, async (stream) => {
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
        send(stream, { id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });
      await chunk({ role: 'assistant', content: '' }, null);
      const chain = createWriteChain((text) => chunk({ content: text }, null));
      try {
        const out = await run((delta) => chain.push(delta));
        await chain.flush();
        await chunk({}, out.finishReason, out.tailor ? { tailor: out.tailor } : {});
        if (body.stream_options?.include_usage) {
          await send(stream, { id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: null, choices: [], usage: openAiUsage(out.usage) });
        }
      } catch (error) {
        await chain.flush();
        await send(stream, errorBody(error).body);
      }
      await stream.writeSSE({ data: '[DONE]' });
    });
  });
  return app;
}

function send(stream: SSEStreamingApi, value: unknown): Promise<void> {
  return stream.writeSSE({ data: JSON.stringify(value) });
}

function toMessages(body: ChatCompletionRequest): ChatMessage[] {
  return body.messages.map((m) => ({
      role: m.role === 'developer' ? 'system' : (m.role as ChatMessage['role']),
      content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => (p.type === 'text' ? p.text ?? '' : '')).join(''),
    }));
}

function openAiUsage(usage: Usage) {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage.totalTokens ?? prompt + completion };
}
