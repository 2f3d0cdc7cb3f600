import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { TrainOptions } from '../trainer.js';
import { messagesJsonl, runScript, writeExportFile, HF_MODULES, type ClusterExportSettings, type ExportedFiles } from './common.js';
import { deepspeedConfig } from './distributed.js';
import { emitYaml, type YamlValue } from './yaml.js';

const CONFIG = 'axolotl.yaml';

/** One chat dataset entry: OpenAI-style `messages`, loss on assistant turns only. */
function chatDataset(path: string, split?: string): { [key: string]: YamlValue } {
  return {
    path,
    ds_type: 'json',
    ...(split ? { split } : {}),
    type: 'chat_template',
    field_messages: 'messages',
    message_property_mappings: { role: 'role', content: 'content' },
    roles_to_train: ['assistant'],
  };
}

/** The Axolotl config (keys from docs/config-reference) for LoRA, QLoRA or full fine-tuning. */
export function axolotlConfig(options: TrainOptions, settings: ClusterExportSettings, hasValidation: boolean): { [key: string]: YamlValue | undefined } {
  const lora = (options.method ?? 'lora') === 'lora';
  if (settings.quantize4bit && !lora) throw new TailorError('INVALID_ARGUMENT', 'QLoRA (4-bit) needs --method lora: full fine-tuning cannot train a 4-bit base.');
  const distributed = settings.distributed ?? 'none';
  const targets = options.targetModules?.map((m) => HF_MODULES[m]);
  return {
    base_model: options.baseModel,
    load_in_8bit: false,
    load_in_4bit: Boolean(settings.quantize4bit),
    strict: false,
    chat_template: 'tokenizer_default',
    datasets: [chatDataset('data/train.jsonl')],
    test_datasets: hasValidation ? [chatDataset('data/validation.jsonl', 'train')] : undefined,
    val_set_size: hasValidation ? undefined : 0,
    dataset_prepared_path: 'last_run_prepared',
    output_dir: './outputs/adapter',
    sequence_len: options.maxSeqLen ?? 2048,
    sample_packing: false,
    pad_to_sequence_len: true,
    train_on_inputs: false,
    adapter: lora ? (settings.quantize4bit ? 'qlora' : 'lora') : undefined,
    lora_r: lora ? (options.rank ?? 16) : undefined,
    lora_alpha: lora ? (options.alpha ?? 2 * (options.rank ?? 16)) : undefined,
    lora_dropout: lora ? 0.05 : undefined,
    lora_target_linear: lora && !targets ? true : undefined,
    lora_target_modules: lora && targets ? targets : undefined,
    gradient_accumulation_steps: options.gradientAccumulation ?? 4,
    micro_batch_size: options.batchSize ?? 2,
    num_epochs: options.epochs ?? 3,
    optimizer: settings.quantize4bit ? 'paged_adamw_8bit' : 'adamw_torch_fused',
    lr_scheduler: 'cosine',
    learning_rate: options.learningRate ?? 2e-4,
    weight_decay: options.weightDecay ?? 0,
    warmup_ratio: 0.1,
    bf16: 'auto',
    tf32: false,
    gradient_checkpointing: true,
    logging_steps: 1,
    evals_per_epoch: hasValidation ? 1 : undefined,
    early_stopping_patience: hasValidation && options.earlyStoppingPatience ? options.earlyStoppingPatience : undefined,
    saves_per_epoch: 1,
    seed: options.seed ?? 42,
    deepspeed: distributed === 'deepspeed' ? 'deepspeed.json' : undefined,
    fsdp_version: distributed === 'fsdp' ? 2 : undefined,
    fsdp_config: distributed === 'fsdp'
      ? {
          offload_params: false,
          cpu_ram_efficient_loading: true,
          auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
          transformer_layer_cls_to_wrap: settings.layerClass ?? 'LlamaDecoderLayer',
          state_dict_type: 'FULL_STATE_DICT',
          reshard_after_forward: true,
        }
      : undefined,
  };
}

/** Writes `axolotl.yaml`, the chat JSONL data, the DeepSpeed config if asked, and `run.sh`. */
export async function writeAxolotlExport(options: TrainOptions, settings: ClusterExportSettings): Promise<ExportedFiles> {
  const root = options.outputDir;
  const files: string[] = [];
  const hasValidation = (options.validation?.length ?? 0) > 0;
  await writeExportFile(root, 'data/train.jsonl', messagesJsonl(options.train), files);
  if (hasValidation) await writeExportFile(root, 'data/validation.jsonl', messagesJsonl(options.validation!), files);
  const config = axolotlConfig(options, settings, hasValidation);
  await writeExportFile(root, CONFIG, `# Axolotl config written by tailor train (https://docs.axolotl.ai/docs/config-reference.html)\n${emitYaml(config)}`, files);
  if (settings.distributed === 'deepspeed') {
    const stage = settings.zeroStage ?? ((options.method ?? 'lora') === 'lora' ? 2 : 3);
    await writeExportFile(root, 'deepspeed.json', JSON.stringify(deepspeedConfig(stage), null, 2) + '\n', files);
  }
  // `axolotl train` launches through accelerate on every visible GPU.
  const gpus = settings.gpus ?? 1;
  const visible = gpus > 1 ? `CUDA_VISIBLE_DEVICES=${Array.from({ length: gpus }, (_, i) => i).join(',')} ` : '';
  const command = `${visible}axolotl train ${CONFIG}`;
  await writeExportFile(root, 'run.sh', runScript(['# pip install axolotl  (see https://docs.axolotl.ai/docs/installation.html)', command]), files);
  return { files, command, configPath: join(root, CONFIG), adapterPath: join(root, 'outputs', 'adapter') };
}
