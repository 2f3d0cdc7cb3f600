export type { Trainer, TrainOptions, TrainResult, TrainingExample } from './trainer.js';
export * from './types.js';
export { parseDataset, serializeDataset, assertDatasetFormat, exampleIdFor, type ParseDatasetOptions, type ParsedDataset } from './datasets/formats.js';
export { parseCsvColumns, type CsvColumns } from './datasets/parse-csv.js';
export { approximateTokenCounter, createGgufTokenCounter, exampleTokens } from './datasets/tokens.js';
export { cleanExamples, type CleanOptions, type CleanReport } from './datasets/clean.js';
export { splitByDocument, parseRatios, DEFAULT_SPLIT_RATIOS, type SplitOptions, type SplitReport } from './datasets/split.js';
export { createDatasetStore, type DatasetManifest, type DatasetStore, type StoredDataset } from './datasets/store.js';
export {
  importDataset,
  saveBuiltDataset,
  splitDataset,
  exportDataset,
  describeDataset,
  type ImportDatasetOptions,
  type ImportDatasetResult,
  type DatasetDescription,
} from './datasets/api.js';
export { buildFromCollection, type BuildFromCollectionOptions, type BuildReport } from './build/from-collection.js';
export { buildRaftExamples, documentPools, NOT_IN_DOCUMENTS, type RaftOptions, type RaftReport } from './build/raft.js';
export { offlineQuestions } from './build/offline-questions.js';
export type { GeneratedQuestion, SourceChunk } from './build/questions.js';
export { createAdapterRegistry, resolveAdapterForUse, assertAdapterUsable, sha256File, type AdapterManifest, type AdapterRegistry } from './registry.js';
export { eraseDocumentLineage, eraseLineage, retrainCommand, type ErasureReport, type ErasedLineage } from './lineage.js';
export { finetuneStoresFor, type FinetuneStores } from './stores.js';
export { createPostgresDatasetStore } from './datasets/store-postgres.js';
export { createPostgresAdapterRegistry } from './registry-postgres.js';
export { createOpenAIFineTuneTrainer, type OpenAIFineTuneSettings } from './remote/openai-trainer.js';
export { createTogetherFineTuneTrainer, type TogetherFineTuneSettings } from './remote/together-trainer.js';
export { createFireworksFineTuneTrainer, type FireworksFineTuneSettings } from './remote/fireworks-trainer.js';
export { createClusterExportTrainer, type ClusterTool, type ClusterExportSettings, type Distributed } from './export/index.js';
export { trainAdapter, createTrainerFor, TRAIN_BACKENDS, type TrainAdapterOptions, type TrainAdapterResult, type TrainBackend, type TrainHyperparameters } from './train.js';
