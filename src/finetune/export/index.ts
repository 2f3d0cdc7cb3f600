import { mkdir } from 'node:fs/promises';
import { TailorError } from '../../core/errors.js';
import type { CallResult } from '../../providers/types.js';
import type { Trainer, TrainOptions, TrainResult } from '../trainer.js';
import { writeAxolotlExport } from './axolotl.js';
import type { ClusterExportSettings } from './common.js';
import { writeLlamaFactoryExport } from './llama-factory.js';

export type ClusterTool = 'axolotl' | 'llama-factory';
export type { ClusterExportSettings } from './common.js';
export type { Distributed } from './distributed.js';

/**
 * A Trainer that does not train: it writes a ready-to-run Axolotl or LLaMA-Factory project
 * (config, data, DeepSpeed/FSDP config, run.sh) into `outputDir` for a GPU cluster.
 */
export function createClusterExportTrainer(tool: ClusterTool, settings: ClusterExportSettings = {}): Trainer {
  return {
    backend: tool,
    async doTrain(options: TrainOptions): Promise<CallResult<TrainResult>> {
      if (options.train.length === 0) throw new TailorError('DATASET_INVALID', 'There are no training examples to export.');
      const started = Date.now();
      await mkdir(options.outputDir, { recursive: true });
      const written = tool === 'axolotl' ? await writeAxolotlExport(options, settings) : await writeLlamaFactoryExport(options, settings);
      const warnings: string[] = [];
      if (/\.gguf$/i.test(options.baseModel)) {
        warnings.push(`${tool} trains Hugging Face checkpoints, not GGUF files: set the base model in ${written.configPath} to the original model's id or folder before running.`);
      }
      return {
        result: {
          adapterPath: written.adapterPath,
          format: 'export',
          trainLoss: [],
          validationLoss: [],
          steps: 0,
          tokens: 0,
          seconds: (Date.now() - started) / 1000,
          extra: { tool, files: written.files, command: written.command, configPath: written.configPath, directory: options.outputDir },
        },
        usage: {},
        warnings,
      };
    },
  };
}
