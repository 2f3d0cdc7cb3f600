import type { RouteDoc } from './route-doc.js';
import { systemDocs } from '../routes/system.docs.js';
import { settingsDocs } from '../routes/settings.docs.js';
import { queryDocs } from '../routes/query.docs.js';
import { collectionDocs } from '../routes/collections.docs.js';
import { documentDocs } from '../routes/documents.docs.js';
import { jobDocs } from '../routes/jobs.docs.js';
import { traceDocs } from '../routes/traces.docs.js';
import { keyDocs } from '../routes/keys.docs.js';
import { arenaDocs } from '../routes/arena.docs.js';
import { openAiDocs } from '../routes/openai.docs.js';
import { datasetRouteDocs } from '../routes/datasets.docs.js';
import { trainingRouteDocs } from '../routes/training.docs.js';
import { adapterRouteDocs } from '../routes/adapters.docs.js';
import { arenaRunRouteDocs } from '../routes/arena-runs.docs.js';
import { statsRouteDocs } from '../routes/stats.docs.js';

/**
 * Every route the server mounts, described. A route added to server.ts without its RouteDoc here fails
 * test/openapi-contract.test.ts, which compares this list with the routes Hono serves.
 */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...systemDocs,
  ...settingsDocs,
  ...queryDocs,
  ...collectionDocs,
  ...documentDocs,
  ...jobDocs,
  ...traceDocs,
  ...keyDocs,
  ...arenaDocs,
  ...openAiDocs,
  ...datasetRouteDocs,
  ...trainingRouteDocs,
  ...adapterRouteDocs,
  ...arenaRunRouteDocs,
  ...statsRouteDocs,
];
