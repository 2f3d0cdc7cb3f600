import type { Answer, Filter } from '../core/types.js';
import type { ServerDeps } from './context.js';
import type { ChatModel } from '../providers/types.js';

export interface AnswerRequest {
  question: string;
  /** Already intersected with the caller's grants; undefined only for "*" keys. */
  scope: string[] | undefined;
  /** Who asked, and which collections they named (granted or not): the trace keeps both. */
  keyId?: string;
  requested?: string[];
  filter?: Omit<Filter, 'collections'>;
  k?: number;
  minSupport?: number;
  maxTokens?: number;
  temperature?: number;
  onText?: (delta: string) => void;
  abortSignal?: AbortSignal;
  /** Answers with this model instead of the home's (a fine-tuned adapter's). */
  chatModel?: ChatModel;
}

/** Every answer the server gives goes through here, so each one is scoped and traced the same way. */
export async function answerQuestion(deps: Pick<ServerDeps, 'tailor' | 'traces'>, request: AnswerRequest): Promise<{ answer: Answer; traceId: string }> {
  const answer = await deps.tailor.ask(request.question, {
    filter: { ...request.filter, collections: request.scope },
    k: request.k,
    minSupport: request.minSupport,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    onText: request.onText,
    abortSignal: request.abortSignal,
    ...(request.chatModel ? { chatModel: request.chatModel } : {}),
  });
  const trace = deps.traces.add({ question: request.question, collections: request.scope, keyId: request.keyId, requested: request.requested, answer });
  return { answer, traceId: trace.id };
}

/** Turns a synchronous text callback into ordered async writes, and lets callers wait for the last one. */
export function createWriteChain(write: (text: string) => Promise<void>): { push(text: string): void; flush(): Promise<void> } {
  let chain = Promise.resolve();
  return {
    push(text) {
      if (text) chain = chain.then(() => write(text));
    },
    flush: () => chain,
  };
}
