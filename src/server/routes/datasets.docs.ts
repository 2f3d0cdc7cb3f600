import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import {
  buildDatasetSchema, datasetListSchema, datasetSummarySchema, deletedSchema, exportQuerySchema, previewQuerySchema, previewSchema,
  splitResultSchema, splitSchema, uploadBodySchema, uploadResultSchema, validateResultSchema,
} from '../finetune/schemas.js';

const tags = ['Datasets'];

export const datasetRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/api/datasets', summary: 'Datasets the key may see (every collection they came from is granted)', tags, auth: 'reader', response: datasetListSchema },
  { method: 'post', path: '/api/datasets/build', summary: 'Build a dataset from a collection as a job; follow /api/jobs/:id/events', tags, auth: 'editor', body: buildDatasetSchema, response: z.object({ jobId: z.string(), dataset: z.string(), events: z.string() }), status: 202 },
  { method: 'post', path: '/api/datasets/upload', summary: 'Import a labelled file (chat JSONL, Alpaca, ShareGPT, CSV) into a collection; invalid lines answer 400 DATASET_INVALID with details.issues', tags, auth: 'editor', body: uploadBodySchema, bodyContentType: 'multipart/form-data', response: uploadResultSchema, status: 201 },
  { method: 'post', path: '/api/datasets/validate', summary: 'Check a labelled file without storing it: every invalid line with its problem', tags, auth: 'reader', body: uploadBodySchema, bodyContentType: 'multipart/form-data', response: validateResultSchema },
  { method: 'get', path: '/api/datasets/:name', summary: 'One dataset: counts, splits, token lengths, sources, history', tags, auth: 'reader', response: datasetSummarySchema },
  { method: 'get', path: '/api/datasets/:name/examples', summary: 'Preview examples, paged (offset, limit ≤ 200, optional split)', tags, auth: 'reader', query: previewQuerySchema, response: previewSchema },
  { method: 'post', path: '/api/datasets/:name/split', summary: 'Assign train/validation/test by source document (no document in two splits)', tags, auth: 'editor', body: splitSchema, response: splitResultSchema },
  { method: 'get', path: '/api/datasets/:name/export', summary: 'Download the dataset (or one split) as chatml, alpaca, sharegpt, csv, llama-factory or axolotl data', tags, auth: 'reader', query: exportQuerySchema, responseContentType: 'application/octet-stream' },
  { method: 'delete', path: '/api/datasets/:name', summary: 'Delete a dataset (adapters trained on it keep its hash and example ids)', tags, auth: 'editor', response: deletedSchema },
];
