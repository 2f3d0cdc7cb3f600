import type { Usage } from '../core/types.js';
import type { ChatModel, ChatOptions, FinishReason } from './types.js';

/**
 * One call to a chat model: a plain generation, or a stream whose text deltas go to
 * `onText` as they arrive. Either way the whole text and the usage come back.
 */
export async function generateText(model: ChatModel, call: ChatOptions, onText?: (delta: string) => void): Promise<{ text: string; usage: Usage; finishReason: FinishReason }> {
  if (!onText) {
    const { result, usage } = await model.doGenerate(call);
    return { text: result.text, usage, finishReason: result.finishReason };
  }
  const { stream } = await model.doStream(call);
  let text = '';
  let usage: Usage = {};
  let finishReason: FinishReason = 'stop';
  for await (const part of stream) {
    if (part.type === 'text-delta') {
      text += part.text;
      onText(part.text);
    } else {
      usage = part.usage;
      finishReason = part.finishReason;
    }
  }
  return { text, usage, finishReason };
}
