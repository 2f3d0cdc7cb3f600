import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TrainOptions } from '../trainer.js';
import type { Distributed } from './distributed.js';

/** Settings of a cluster export beyond the shared TrainOptions. */
export interface ClusterExportSettings {
  /** Multi-GPU strategy (default none: one GPU, or plain DDP when launched on several). */
  distributed?: Distributed;
  /** GPUs per node, for the launch command and accelerate config (default 1). */
  gpus?: number;
  /** QLoRA: load the base in 4-bit and train LoRA on top (method must be lora). */
  quantize4bit?: boolean;
  /** ZeRO stage for DeepSpeed (default 2 for LoRA, 3 for full fine-tuning). */
  zeroStage?: 2 | 3;
  /** LLaMA-Factory's prompt template for the model family (default "default"; e.g. llama3, qwen, mistral). */
  template?: string;
  /** Transformer block class FSDP wraps (default LlamaDecoderLayer). */
  layerClass?: string;
}

export interface ExportedFiles {
  files: string[];
  command: string;
  configPath: string;
  /** Where the trained adapter will be once the command has run. */
  adapterPath: string;
}

export async function writeExportFile(root: string, relative: string, text: string, files: string[]): Promise<void> {
  const path = join(root, relative);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  files.push(relative);
}

/** HF/PEFT module names for the TrainOptions target names. */
export const HF_MODULES: Record<NonNullable<TrainOptions['targetModules']>[number], string> = {
  q: 'q_proj',
  k: 'k_proj',
  v: 'v_proj',
  o: 'o_proj',
  gate: 'gate_proj',
  up: 'up_proj',
  down: 'down_proj',
};

export function messagesJsonl(examples: TrainOptions['train']): string {
  return examples.map((e) => JSON.stringify({ messages: e.messages })).join('\n') + (examples.length > 0 ? '\n' : '');
}

export function runScript(lines: string[]): string {
  return ['#!/usr/bin/env bash', '# Written by tailor train; run it from this folder.', 'set -euo pipefail', 'cd "$(dirname "$0")"', ...lines].join('\n') + '\n';
}
