import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createClusterExportTrainer, type TrainingExample } from '../src/finetune/index.js';
import { emitYaml } from '../src/finetune/export/yaml.js';
import { tempDir } from './helpers/temp.js';

/**
 * Keys as documented by the tools (looked up, not invented):
 * - Axolotl docs/config-reference.qmd (top level), docs/multi-gpu.qmd (fsdp_version, FSDP2 fsdp_config),
 *   docs/dataset-formats/conversation.qmd (chat_template dataset entries; ds_type/split for local test files).
 * - LLaMA-Factory examples/train_lora/llama3_lora_sft.yaml, examples/extras/fsdp_qlora/llama3_lora_sft.yaml,
 *   hparams (lora_alpha, lora_dropout, eval_dataset, dataset_dir), data/README.md (dataset_info.json),
 *   examples/accelerate/fsdp_config.yaml, examples/deepspeed/ds_z3_config.json.
 */
const AXOLOTL_KEYS = new Set([
  'base_model', 'model_type', 'tokenizer_type', 'trust_remote_code', 'gradient_accumulation_steps', 'learning_rate', 'lr_scheduler',
  'max_steps', 'micro_batch_size', 'num_epochs', 'optimizer', 'warmup_ratio', 'warmup_steps', 'weight_decay', 'datasets',
  'pad_to_sequence_len', 'sample_packing', 'sequence_len', 'test_datasets', 'train_on_inputs', 'val_set_size', 'adapter', 'lora_alpha',
  'lora_dropout', 'lora_model_dir', 'lora_r', 'lora_target_linear', 'lora_target_modules', 'bf16', 'flash_attention', 'fp16',
  'gradient_checkpointing', 'load_in_4bit', 'load_in_8bit', 'tf32', 'deepspeed', 'fsdp', 'fsdp_config', 'fsdp_version', 'eval_steps',
  'logging_steps', 'output_dir', 'save_steps', 'chat_template', 'dataset_prepared_path', 'early_stopping_patience', 'evals_per_epoch',
  'saves_per_epoch', 'seed', 'strict',
]);
const AXOLOTL_REQUIRED = ['base_model', 'learning_rate', 'datasets'];
const AXOLOTL_DATASET_KEYS = new Set(['path', 'type', 'ds_type', 'split', 'field_messages', 'message_property_mappings', 'roles_to_train', 'train_on_eos', 'chat_template']);
const AXOLOTL_FSDP2_KEYS = new Set(['offload_params', 'cpu_ram_efficient_loading', 'auto_wrap_policy', 'transformer_layer_cls_to_wrap', 'state_dict_type', 'reshard_after_forward']);
const LLAMA_FACTORY_KEYS = new Set([
  'model_name_or_path', 'trust_remote_code', 'quantization_bit', 'quantization_method', 'stage', 'do_train', 'finetuning_type', 'lora_rank',
  'lora_alpha', 'lora_dropout', 'lora_target', 'deepspeed', 'dataset', 'eval_dataset', 'dataset_dir', 'template', 'cutoff_len', 'max_samples',
  'overwrite_cache', 'preprocessing_num_workers', 'output_dir', 'logging_steps', 'save_steps', 'save_strategy', 'plot_loss',
  'overwrite_output_dir', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'learning_rate', 'num_train_epochs',
  'lr_scheduler_type', 'warmup_ratio', 'weight_decay', 'bf16', 'fp16', 'ddp_timeout', 'val_size', 'per_device_eval_batch_size',
  'eval_strategy', 'eval_steps', 'seed',
]);
const DATASET_INFO_KEYS = new Set(['hf_hub_url', 'ms_hub_url', 'script_url', 'file_name', 'formatting', 'ranking', 'subset', 'folder', 'columns', 'tags']);
const DATASET_INFO_COLUMNS = new Set(['prompt', 'query', 'response', 'history', 'messages', 'system', 'tools', 'images', 'chosen', 'rejected', 'kto_tag']);
const DATASET_INFO_TAGS = new Set(['role_tag', 'content_tag', 'user_tag', 'assistant_tag', 'observation_tag', 'function_tag', 'system_tag']);
const ACCELERATE_FSDP_KEYS = new Set([
  'compute_environment', 'debug', 'distributed_type', 'downcast_bf16', 'fsdp_config', 'machine_rank', 'main_training_function', 'mixed_precision',
  'num_machines', 'num_processes', 'rdzv_backend', 'same_network', 'tpu_env', 'tpu_use_cluster', 'tpu_use_sudo', 'use_cpu',
]);
const DEEPSPEED_KEYS = new Set(['train_batch_size', 'train_micro_batch_size_per_gpu', 'gradient_accumulation_steps', 'gradient_clipping', 'zero_allow_untested_optimizer', 'fp16', 'bf16', 'zero_optimization']);

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

/** Reads the block-style YAML subset the emitter writes (maps, lists, quoted or plain scalars). */
function readYaml(text: string): Yaml {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (s: string): Yaml => {
    if (s.startsWith('"')) return JSON.parse(s);
    if (s === 'true' || s === 'false') return s === 'true';
    if (s === 'null') return null;
    if (s === '[]') return [];
    if (s === '{}') return {};
    return /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(s) ? Number(s) : s;
  };
  const block = (indent: number): Yaml => {
    if (lines[i].text.startsWith('- ') || lines[i].text === '-') {
      const list: Yaml[] = [];
      while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('-')) {
        const rest = lines[i].text.slice(2);
        if (/^[A-Za-z_"][^:]*:( |$)/.test(rest)) {
          lines[i] = { indent: indent + 2, text: rest };
          list.push(block(indent + 2));
        } else {
          list.push(scalar(rest));
          i++;
        }
      }
      return list;
    }
    const map: { [key: string]: Yaml } = {};
    while (i < lines.length && lines[i].indent === indent && !lines[i].text.startsWith('- ')) {
      const m = /^("(?:[^"\\]|\\.)*"|[^:]+):(?: (.*))?$/.exec(lines[i].text)!;
      const key = m[1].startsWith('"') ? JSON.parse(m[1]) : m[1];
      i++;
      map[key] = m[2] !== undefined ? scalar(m[2]) : block(lines[i].indent);
    }
    return map;
  };
  return block(0);
}

/** PyYAML's reading of the same text, when Python and PyYAML are installed. */
function pyyaml(text: string): unknown | undefined {
  const run = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: text, encoding: 'utf8' });
  return run.status === 0 ? JSON.parse(run.stdout) : undefined;
}

function examples(n: number, prefix: string): TrainingExample[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    messages: [
      { role: 'system', content: 'You answer from the handbook.' },
      { role: 'user', content: `What is rule ${i}: "quotes", colons: and # hashes?` },
      { role: 'assistant', content: `Rule ${i} says: pay within ${30 + i} days.` },
    ],
  }));
}

function keysOf(value: Yaml): string[] {
  return Object.keys(value as Record<string, Yaml>);
}

function assertSubset(keys: string[], allowed: Set<string>, what: string) {
  const unknown = keys.filter((k) => !allowed.has(k));
  assert.deepEqual(unknown, [], `${what} has undocumented keys: ${unknown.join(', ')}`);
}

describe('YAML emitter', () => {
  test('quotes what plain YAML would misread and writes floats PyYAML reads as floats', (t) => {
    const value = { lr: 1e-7, small: 0.0002, yes: 'yes', num: '123', colon: 'a: b', hash: 'x #y', empty: '', list: ['q_proj', 'true'], nested: [{ a: 1, b: ['x'] }], none: null };
    const text = emitYaml(value);
    assert.match(text, /^lr: 1\.0e-7$/m);
    assert.deepEqual(readYaml(text), value);
    const python = pyyaml(text);
    if (python === undefined) t.diagnostic('python3 with PyYAML not found: cross-check skipped');
    else assert.deepEqual(python, value);
  });
});

describe('cluster exports', () => {
  test('Axolotl: documented keys, chat_template datasets, DeepSpeed config and run command', async (t) => {
    const dir = await tempDir();
    const trainer = createClusterExportTrainer('axolotl', { distributed: 'deepspeed', gpus: 4 });
    const { result, warnings } = await trainer.doTrain({ baseModel: 'meta-llama/Llama-3.1-8B-Instruct', train: examples(12, 't'), validation: examples(3, 'v'), rank: 8, epochs: 2, learningRate: 1e-4, seed: 3, outputDir: dir });
    assert.deepEqual(warnings, []);
    assert.equal(result.format, 'export');
    const text = await readFile(join(dir, 'axolotl.yaml'), 'utf8');
    const config = readYaml(text) as Record<string, Yaml>;
    const python = pyyaml(text);
    if (python !== undefined) assert.deepEqual(python, config);
    else t.diagnostic('python3 with PyYAML not found: cross-check skipped');
    assertSubset(keysOf(config), AXOLOTL_KEYS, 'axolotl.yaml');
    for (const key of AXOLOTL_REQUIRED) assert.ok(key in config, `missing required ${key}`);
    assert.equal(config.base_model, 'meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(config.adapter, 'lora');
    assert.equal(config.lora_r, 8);
    assert.equal(config.num_epochs, 2);
    assert.equal(config.learning_rate, 1e-4);
    assert.equal(config.deepspeed, 'deepspeed.json');
    assert.ok(!('val_set_size' in config), 'test_datasets and val_set_size are mutually exclusive');
    for (const entry of [...(config.datasets as Yaml[]), ...(config.test_datasets as Yaml[])]) {
      assertSubset(keysOf(entry), AXOLOTL_DATASET_KEYS, 'a datasets entry');
      const e = entry as Record<string, Yaml>;
      assert.equal(e.type, 'chat_template');
      assert.equal(e.field_messages, 'messages');
      assert.deepEqual(e.roles_to_train, ['assistant']);
      const lines = (await readFile(join(dir, String(e.path)), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      for (const line of lines) assert.deepEqual(Object.keys(line), ['messages']);
    }
    assert.equal((await readFile(join(dir, 'data/train.jsonl'), 'utf8')).trim().split('\n').length, 12);
    const ds = JSON.parse(await readFile(join(dir, 'deepspeed.json'), 'utf8'));
    assertSubset(Object.keys(ds), DEEPSPEED_KEYS, 'deepspeed.json');
    assert.equal(ds.zero_optimization.stage, 2);
    assert.equal(result.extra!.command, 'CUDA_VISIBLE_DEVICES=0,1,2,3 axolotl train axolotl.yaml');
    const script = await readFile(join(dir, 'run.sh'), 'utf8');
    assert.match(script, /axolotl train axolotl\.yaml/);
    assert.deepEqual([...(result.extra!.files as string[])].sort(), ['axolotl.yaml', 'data/train.jsonl', 'data/validation.jsonl', 'deepspeed.json', 'run.sh']);
  });

  test('Axolotl QLoRA with FSDP2 uses the documented FSDP2 keys', async () => {
    const dir = await tempDir();
    await createClusterExportTrainer('axolotl', { distributed: 'fsdp', quantize4bit: true }).doTrain({ baseModel: 'org/model', train: examples(4, 't'), targetModules: ['q', 'v'], outputDir: dir });
    const config = readYaml(await readFile(join(dir, 'axolotl.yaml'), 'utf8')) as Record<string, Yaml>;
    assertSubset(keysOf(config), AXOLOTL_KEYS, 'axolotl.yaml');
    assert.equal(config.adapter, 'qlora');
    assert.equal(config.load_in_4bit, true);
    assert.deepEqual(config.lora_target_modules, ['q_proj', 'v_proj']);
    assert.equal(config.val_set_size, 0);
    assert.equal(config.fsdp_version, 2);
    assertSubset(keysOf(config.fsdp_config), AXOLOTL_FSDP2_KEYS, 'fsdp_config');
    await assert.rejects(stat(join(dir, 'deepspeed.json')));
  });

  test('LLaMA-Factory: documented YAML keys, dataset_info.json in the OpenAI format, DeepSpeed and FSDP launchers', async (t) => {
    const dir = await tempDir();
    const trainer = createClusterExportTrainer('llama-factory', { distributed: 'deepspeed', template: 'llama3', zeroStage: 3 });
    const { result } = await trainer.doTrain({ baseModel: 'meta-llama/Meta-Llama-3-8B-Instruct', train: examples(10, 't'), validation: examples(2, 'v'), method: 'full', epochs: 1, outputDir: dir });
    const text = await readFile(join(dir, 'llama-factory.yaml'), 'utf8');
    const config = readYaml(text) as Record<string, Yaml>;
    const python = pyyaml(text);
    if (python !== undefined) assert.deepEqual(python, config);
    else t.diagnostic('python3 with PyYAML not found: cross-check skipped');
    assertSubset(keysOf(config), LLAMA_FACTORY_KEYS, 'llama-factory.yaml');
    assert.equal(config.stage, 'sft');
    assert.equal(config.finetuning_type, 'full');
    assert.ok(!('lora_rank' in config));
    assert.equal(config.template, 'llama3');
    assert.equal(config.deepspeed, 'ds_config.json');
    assert.equal(JSON.parse(await readFile(join(dir, 'ds_config.json'), 'utf8')).zero_optimization.stage, 3);
    const info = JSON.parse(await readFile(join(dir, String(config.dataset_dir), 'dataset_info.json'), 'utf8'));
    assert.deepEqual(Object.keys(info).sort(), [config.dataset, config.eval_dataset].sort());
    for (const entry of Object.values(info) as Array<Record<string, Record<string, string>>>) {
      assertSubset(Object.keys(entry), DATASET_INFO_KEYS, 'a dataset_info.json entry');
      assertSubset(Object.keys(entry.columns), DATASET_INFO_COLUMNS, 'columns');
      assertSubset(Object.keys(entry.tags), DATASET_INFO_TAGS, 'tags');
      assert.equal(entry.formatting as unknown, 'sharegpt');
      const records = JSON.parse(await readFile(join(dir, String(config.dataset_dir), String(entry.file_name)), 'utf8')) as Array<Record<string, Array<Record<string, string>>>>;
      for (const r of records) {
        const turns = r[entry.columns.messages];
        assert.ok(turns.every((m) => [entry.tags.user_tag, entry.tags.assistant_tag, entry.tags.system_tag].includes(m[entry.tags.role_tag]) && typeof m[entry.tags.content_tag] === 'string'));
      }
    }
    assert.equal(result.extra!.command, 'FORCE_TORCHRUN=1 llamafactory-cli train llama-factory.yaml');

    const fsdpDir = await tempDir();
    const fsdp = await createClusterExportTrainer('llama-factory', { distributed: 'fsdp', gpus: 8, quantize4bit: true }).doTrain({ baseModel: 'org/model.gguf', train: examples(3, 't'), outputDir: fsdpDir });
    assert.match(fsdp.warnings[0], /not GGUF files/);
    const lf = readYaml(await readFile(join(fsdpDir, 'llama-factory.yaml'), 'utf8')) as Record<string, Yaml>;
    assert.equal(lf.quantization_bit, 4);
    assert.equal(lf.lora_target, 'all');
    assert.ok(!('eval_dataset' in lf));
    const accelerate = readYaml(await readFile(join(fsdpDir, 'fsdp_accelerate.yaml'), 'utf8')) as Record<string, Yaml>;
    assertSubset(keysOf(accelerate), ACCELERATE_FSDP_KEYS, 'fsdp_accelerate.yaml');
    assert.equal(accelerate.distributed_type, 'FSDP');
    assert.equal(accelerate.num_processes, 8);
    assert.match(String(fsdp.result.extra!.command), /accelerate launch --config_file fsdp_accelerate\.yaml .*llama-factory\.yaml$/);
  });

  test('QLoRA with full fine-tuning is refused', async () => {
    const dir = await tempDir();
    await assert.rejects(createClusterExportTrainer('axolotl', { quantize4bit: true }).doTrain({ baseModel: 'm', train: examples(1, 't'), method: 'full', outputDir: dir }), /QLoRA/);
  });
});
