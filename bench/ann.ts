/**
 * ANN vs exact scan on synthetic clustered vectors (a Gaussian mixture, so neighbourhoods exist as
 * in real embeddings): recall@10 against the exact scan, p50/p99 per query, build time, RSS.
 *
 *   node --import tsx bench/ann.ts --n 100000 --dims 384 --queries 200 [--ef 64] [--efAdd 128] [--m 16] [--filter 0.1]
 *     [--quantization i8|f32] [--latent 0]
 *
 * --latent D > 0 draws the mixture in a D-dimensional space and maps it into `dims` with a fixed random
 * matrix plus a little isotropic noise: vectors near a low-dimensional subspace, as text embeddings are
 * (their intrinsic dimension is far below their width). 0 (the default) is the isotropic mixture, where
 * a cluster's members are nearly equidistant: the hard case for any graph index.
 */
import { HnswVectorIndex } from '../src/index/hnsw.js';
import { VectorIndex } from '../src/index/vectors.js';
import { createRandom } from '../src/core/random.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 100_000);
const dims = arg('dims', 384);
const queries = arg('queries', 200);
const ef = arg('ef', 64);
const filterShare = arg('filter', 0.1);
const latent = arg('latent', 0);
const quantIndex = process.argv.indexOf('--quantization');
const quantization = (quantIndex >= 0 ? process.argv[quantIndex + 1] : 'i8') as 'i8' | 'f32';
const random = createRandom(42);
const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const space = latent > 0 ? latent : dims;
const centres = Array.from({ length: 256 }, () => Float32Array.from({ length: space }, gauss));
const projection = latent > 0 ? Float32Array.from({ length: dims * latent }, () => gauss() / Math.sqrt(latent)) : null;
const sample = () => {
  const c = centres[Math.floor(random() * centres.length)]!;
  const point = Float32Array.from(c, (x) => x + 0.9 * gauss());
  if (projection === null) return point;
  const out = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    let sum = 0;
    for (let j = 0; j < latent; j++) sum += projection[d * latent + j]! * point[j]!;
    out[d] = sum + 0.05 * gauss();
  }
  return out;
};

const exact = new VectorIndex(dims);
const docsPerChunk = 4;
for (let i = 0; i < n; i++) exact.add(`c${i}`, Math.floor(i / docsPerChunk), sample());
const rssBefore = process.memoryUsage().rss;
const ann = new HnswVectorIndex(exact, { exactBelow: 0, expansionSearch: ef, expansionAdd: arg('efAdd', 128), connectivity: arg('m', 16), quantization });
const queryVectors = Array.from({ length: queries }, sample);
let t = performance.now();
ann.search(queryVectors[0]!, 10); // builds the graph
const buildMs = performance.now() - t;
const rssGraph = process.memoryUsage().rss - rssBefore;

const allowed = new Uint8Array(Math.ceil(n / docsPerChunk) + 1);
for (let d = 0; d < allowed.length; d++) allowed[d] = random() < filterShare ? 1 : 0;

function measure(search: (q: Float32Array) => Array<{ chunkId: string }>, truth: Array<Array<{ chunkId: string }>>) {
  const times: number[] = [];
  let recall = 0;
  queryVectors.forEach((q, i) => {
    t = performance.now();
    const got = search(q);
    times.push(performance.now() - t);
    const want = new Set(truth[i]!.map((h) => h.chunkId));
    recall += got.filter((h) => want.has(h.chunkId)).length / Math.max(1, want.size);
  });
  times.sort((a, b) => a - b);
  return { recall: recall / queryVectors.length, p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

// The exact answers, once per query (at 1M each scan takes a third of a second).
const truthAll = queryVectors.map((q) => exact.search(q, 10));
const truthFiltered = queryVectors.map((q) => exact.search(q, 10, allowed));
const exactAll = measure((q) => exact.search(q, 10), truthAll);
const annAll = measure((q) => ann.search(q, 10), truthAll);
const annFiltered = measure((q) => ann.search(q, 10, allowed), truthFiltered);
const fmt = (m: { recall: number; p50: number; p99: number }) => `recall@10 ${m.recall.toFixed(4)}  p50 ${m.p50.toFixed(3)} ms  p99 ${m.p99.toFixed(3)} ms`;
console.log(`n=${n} dims=${dims} queries=${queries} ef=${ef} ${quantization}${latent > 0 ? ` latent=${latent}` : ''}; graph build ${(buildMs / 1000).toFixed(1)} s, graph RSS +${(rssGraph / 2 ** 20).toFixed(0)} MiB, total RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
console.log(`exact scan          ${fmt(exactAll)}`);
console.log(`HNSW                ${fmt(annAll)}`);
console.log(`HNSW, ${Math.round(filterShare * 100)}% allowed   ${fmt(annFiltered)}`);
