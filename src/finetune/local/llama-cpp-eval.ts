import type { LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import { TailorError } from '../../core/errors.js';
import type { EncodedSequence, TextTokenizer } from './examples.js';

/** The model's own tokenizer through node-llama-cpp. */
export function llamaTokenizer(model: LlamaModel): TextTokenizer {
  const bos = model.tokens.bos;
  const eos = model.tokens.eos;
  if (bos === null || eos === null) {
    throw new TailorError('UNSUPPORTED_FORMAT', 'The model has no BOS/EOS token; in-process training needs both to frame examples.');
  }
  return { tokenize: (text) => model.tokenize(text) as number[], bos, eos };
}

export interface LlamaCppScore {
  /** Mean −log p over the trained tokens (the trainer's loss, computed by llama.cpp). */
  meanNll: number;
  perplexity: number;
  tokens: number;
}

export interface LlamaCppScorer {
  /** Scores the same tokens and answer mask the trainer uses. */
  score(sequences: EncodedSequence[]): Promise<LlamaCppScore>;
  /** Greedy continuation of `prompt` until EOS or maxTokens. */
  generate(prompt: number[], maxTokens: number): Promise<number[]>;
  dispose(): Promise<void>;
}

/**
 * A llama.cpp context on `model`, with a GGUF LoRA adapter applied when `adapterPath` is given.
 * This is the independent check of training: llama.cpp itself, not our forward pass.
 */
export async function createLlamaCppScorer(
  model: LlamaModel,
  options: { adapterPath?: string; adapterScale?: number; contextSize?: number; threads?: number } = {},
): Promise<LlamaCppScorer> {
  let context: LlamaContext;
  try {
    context = await model.createContext({
      contextSize: options.contextSize ?? 512,
      threads: options.threads ?? 1,
      ...(options.adapterPath ? { lora: { adapters: [{ filePath: options.adapterPath, scale: options.adapterScale ?? 1 }] } } : {}),
    });
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `llama.cpp could not create a context${options.adapterPath ? ` with adapter ${options.adapterPath}` : ''}: ${(error as Error).message}`, {
      cause: error,
      details: { adapterPath: options.adapterPath },
    });
  }
  const sequence = context.getSequence();
  return {
    async score(sequences) {
      let nll = 0;
      let tokens = 0;
      for (const seq of sequences) {
        await sequence.clearHistory();
        // For each scored position: the selected (greedy) token, its probability and the logits
        // of it and the target. Then log p(target) = log p(selected) + logit(target) − logit(selected)
        // exactly, with no need for the max logit. (`includeMax` is not usable: node-llama-cpp
        // 3.x only returns the max logit when the max token is already in the filter, so it
        // silently hands back the target's own logit as "max" whenever the target is not the
        // argmax, which made NLL look far too low for an untrained model.)
        const input = seq.tokens.slice(0, -1).map((token, i): Token | [Token, object] =>
          seq.trained[i + 1]
            ? [token as Token, {
              generateNext: {
                token: true,
                confidence: true,
                logits: { filter: { tokens: [seq.tokens[i + 1] as Token], includeSelected: true } },
                // Greedy keeps every candidate, so confidence is a softmax over the whole vocabulary
                // (sampling options such as top-k would truncate it).
                options: { temperature: 0 },
              },
            }]
            : (token as Token),
        );
        const out = await sequence.controlledEvaluate(input as Parameters<typeof sequence.controlledEvaluate>[0]);
        for (let i = 0; i < input.length; i++) {
          if (!seq.trained[i + 1]) continue;
          const next = out[i]?.next;
          const selected = next?.token;
          const target = next?.logits?.get(seq.tokens[i + 1] as Token);
          const selectedLogit = selected == null ? undefined : next?.logits?.get(selected);
          if (target === undefined || selectedLogit === undefined || !(next!.confidence! > 0)) {
            throw new TailorError('INTERNAL', `llama.cpp returned no logits for token ${i + 1} of sequence ${seq.id}; cannot score it.`, {
              details: { sequence: seq.id, position: i + 1 },
            });
          }
          nll += selectedLogit - target - Math.log(next!.confidence!);
          tokens++;
        }
      }
      const meanNll = tokens ? nll / tokens : NaN;
      return { meanNll, perplexity: Math.exp(meanNll), tokens };
    },
    async generate(prompt, maxTokens) {
      await sequence.clearHistory();
      const out: number[] = [];
      const eos = model.tokens.eos;
      for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
        if (token === eos) break;
        out.push(token);
        if (out.length >= maxTokens) break;
      }
      return out;
    },
    async dispose() {
      await context.dispose();
    },
  };
}
