import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { TrainOptions } from '../trainer.js';
import { jsonArrayLines } from '../datasets/parse-alpaca.js';
import { runScript, writeExportFile, HF_MODULES, type ClusterExportSettings, type ExportedFiles } from './common.js';
import { deepspeedConfig } from './distributed.js';
import { emitYaml, type YamlValue } from './yaml.js';

const CONFIG = 'llama-factory.yaml';
export const TRAIN_DATASET = 'tailor_train';
export const VALIDATION_DATASET = 'tailor_validation';

/** dataset_info.json entries for OpenAI-style `messages` files (the documented "OpenAI format"). */
export function datasetInfo(hasValidation: boolean): Record<string, unknown> {
  const entry = (file: string) => ({
    file_name: file,
    formatting: 'sharegpt',
    columns: { messages: 'messages' },
    tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
  });
  return {
    [TRAIN_DATASET]: entry(`${TRAIN_DATASET}.json`),
    ...(hasValidation ? { [VALIDATION_DATASET]: entry(`${VALIDATION_DATASET}.json`) } : {}),
  };
}

/** The LLaMA-Factory training YAML (keys as in its examples/train_lora and train_qlora). */
export function llamaFactoryConfig(options: TrainOptions, settings: ClusterExportSettings, hasValidation: boolean): { [key: string]: YamlValue | undefined } {
  const lora = (options.method ?? 'lora') === 'lora';
  if (settings.quantize4bit && !lora) throw new TailorError('INVALID_ARGUMENT', 'QLoRA (4-bit) needs --method lora: full fine-tuning cannot train a 4-bit base.');
  const targets = options.targetModules?.map((m) => HF_MODULES[m]).join(',');
  return {
    model_name_or_path: options.baseModel,
    quantization_bit: settings.quantize4bit ? 4 : undefined,
    quantization_method: settings.quantize4bit ? 'bnb' : undefined,
    stage: 'sft',
    do_train: true,
    finetuning_type: lora ? 'lora' : 'full',
    lora_rank: lora ? (options.rank ?? 16) : undefined,
    lora_alpha: lora ? (options.alpha ?? 2 * (options.rank ?? 16)) : undefined,
    lora_dropout: lora ? 0.05 : undefined,
    lora_target: lora ? (targets ?? 'all') : undefined,
    deepspeed: settings.distributed === 'deepspeed' ? 'ds_config.json' : undefined,
    dataset_dir: 'data',
    dataset: TRAIN_DATASET,
    eval_dataset: hasValidation ? VALIDATION_DATASET : undefined,
    template: settings.template ?? 'default',
    cutoff_len: options.maxSeqLen ?? 2048,
    overwrite_cache: true,
    preprocessing_num_workers: 16,
    output_dir: 'saves/adapter',
    logging_steps: 10,
    save_strategy: 'epoch',
    plot_loss: true,
    overwrite_output_dir: true,
    per_device_train_batch_size: options.batchSize ?? 2,
    gradient_accumulation_steps: options.gradientAccumulation ?? 4,
    learning_rate: options.learningRate ?? 1e-4,
    num_train_epochs: options.epochs ?? 3,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.1,
    weight_decay: options.weightDecay ?? 0,
    bf16: true,
    seed: options.seed ?? 42,
    ddp_timeout: 180000000,
    per_device_eval_batch_size: hasValidation ? 1 : undefined,
    eval_strategy: hasValidation ? 'epoch' : undefined,
  };
}

/** Accelerate's FSDP launcher config, as in LLaMA-Factory's examples/accelerate/fsdp_config.yaml. */
export function accelerateFsdpConfig(settings: ClusterExportSettings): { [key: string]: YamlValue } {
  return {
    compute_environment: 'LOCAL_MACHINE',
    debug: false,
    distributed_type: 'FSDP',
    downcast_bf16: 'no',
    fsdp_config: {
      fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
      fsdp_backward_prefetch: 'BACKWARD_PRE',
      fsdp_cpu_ram_efficient_loading: true,
      fsdp_forward_prefetch: false,
      fsdp_offload_params: false,
      fsdp_sharding_strategy: 'FULL_SHARD',
      fsdp_state_dict_type: 'FULL_STATE_DICT',
      fsdp_sync_module_states: true,
      fsdp_transformer_layer_cls_to_wrap: settings.layerClass ?? 'LlamaDecoderLayer',
      fsdp_use_orig_params: true,
    },
    machine_rank: 0,
    main_training_function: 'main',
    mixed_precision: 'bf16',
    num_machines: 1,
    num_processes: settings.gpus ?? 2,
    rdzv_backend: 'static',
    same_network: true,
    tpu_env: [],
    tpu_use_cluster: false,
    tpu_use_sudo: false,
    use_cpu: false,
  };
}

/** Writes the YAML, `data/dataset_info.json` with the data, the DeepSpeed or FSDP config, and `run.sh`. */
export async function writeLlamaFactoryExport(options: TrainOptions, settings: ClusterExportSettings): Promise<ExportedFiles> {
  const root = options.outputDir;
  const files: string[] = [];
  const hasValidation = (options.validation?.length ?? 0) > 0;
  const records = (examples: TrainOptions['train']) => jsonArrayLines(examples.map((e) => ({ messages: e.messages })));
  await writeExportFile(root, `data/${TRAIN_DATASET}.json`, records(options.train), files);
  if (hasValidation) await writeExportFile(root, `data/${VALIDATION_DATASET}.json`, records(options.validation!), files);
  await writeExportFile(root, 'data/dataset_info.json', JSON.stringify(datasetInfo(hasValidation), null, 2) + '\n', files);
  await writeExportFile(root, CONFIG, `# LLaMA-Factory config written by tailor train (https://github.com/hiyouga/LLaMA-Factory)\n${emitYaml(llamaFactoryConfig(options, settings, hasValidation))}`, files);
  const gpus = settings.gpus ?? 1;
  const visible = gpus > 1 ? `CUDA_VISIBLE_DEVICES=${Array.from({ length: gpus }, (_, i) => i).join(',')} ` : '';
  let command = `${visible}llamafactory-cli train ${CONFIG}`;
  if (settings.distributed === 'deepspeed') {
    const stage = settings.zeroStage ?? ((options.method ?? 'lora') === 'lora' ? 2 : 3);
    await writeExportFile(root, 'ds_config.json', JSON.stringify(deepspeedConfig(stage), null, 2) + '\n', files);
    command = `${visible}FORCE_TORCHRUN=1 llamafactory-cli train ${CONFIG}`;
  } else if (settings.distributed === 'fsdp') {
    await writeExportFile(root, 'fsdp_accelerate.yaml', emitYaml(accelerateFsdpConfig(settings)), files);
    // LLaMA-Factory's FSDP recipe launches its train script through accelerate.
    command = `${visible}accelerate launch --config_file fsdp_accelerate.yaml -m llamafactory.launcher ${CONFIG}`;
  }
  await writeExportFile(root, 'run.sh', runScript(['# pip install llamafactory  (see https://github.com/hiyouga/LLaMA-Factory#installation)', command]), files);
  return { files, command, configPath: join(root, CONFIG), adapterPath: join(root, 'saves', 'adapter') };
}
