export { createLocalLoraTrainer, LOCAL_LORA_DEFAULTS, type LocalLoraTrainerSettings } from './local-trainer.js';
export { encodeExamples, formatChatPrompt, isRawTextExample, rawTextExample, type EncodedSequence, type TextTokenizer } from './examples.js';
export { createLlamaCppScorer, llamaTokenizer, type LlamaCppScore, type LlamaCppScorer } from './llama-cpp-eval.js';
export { parseGguf, readGgufFile, type GgufModelFile } from './gguf-read.js';
export { encodeGguf, writeLoraAdapterGguf, type LoraAdapterTensors } from './gguf-write.js';
export { readLlamaConfig, type LlamaConfig } from './llama-config.js';
export { dequantize, encodeF16, quantizeQ8_0, f16ToF32, f32ToF16 } from './dequantize.js';
