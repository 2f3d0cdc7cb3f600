import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../src/index/analyzer.js';
import { Bm25Index, createBm25Index, type Bm25Entry, type Bm25Params } from '../src/index/bm25.js';
import { readBm25Snapshot, writeBm25Snapshot } from '../src/index/bm25-snapshot.js';
import { randomText, seededRandom } from './fixtures/index-docs.js';
import { tempDir } from './helpers/temp.js';

function makeEntries(count: number, seed: number): Bm25Entry[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    // A few rare marker words make selective queries whose other terms are common:
    // exactly the case where the scorer stops scanning long posting lists.
    const rare = i % 37 === 0 ? ` marker${i % 5}` : '';
    return {
      chunkId: `chunk-${String(i).padStart(5, '0')}`,
      docKey: i % 50,
      body: analyze(randomText(random, 20 + Math.floor(random() * 60)) + rare),
      field: analyze(randomText(random, 1 + Math.floor(random() * 4))),
    };
  });
}

/** Textbook BM25, written independently of the index, scoring every live entry. */
function referenceSearch(entries: Bm25Entry[], params: Bm25Params, query: string[], k: number, allowedDocKeys?: Set<number>) {
  const n = entries.length;
  const dl = (e: Bm25Entry) => e.body.length + params.fieldWeight * e.field.length;
  const avgdl = entries.reduce((sum, e) => sum + dl(e), 0) / n;
  const counts = new Map<string, number>();
  for (const term of query) counts.set(term, (counts.get(term) ?? 0) + 1);
  const df = new Map([...counts.keys()].map((term) => [term, entries.filter((x) => x.body.includes(term) || x.field.includes(term)).length]));
  const scored = entries
    .filter((e) => !allowedDocKeys || allowedDocKeys.has(e.docKey))
    .map((e) => {
      let score = 0;
      for (const [term, qtf] of counts) {
        const f = e.body.filter((t) => t === term).length + params.fieldWeight * e.field.filter((t) => t === term).length;
        const d = df.get(term)!;
        if (d === 0 || f === 0) continue;
        const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
        score += (qtf * idf * f * (params.k1 + 1)) / (f + params.k1 * (1 - params.b + (params.b * dl(e)) / avgdl));
      }
      return { chunkId: e.chunkId, score };
    })
    .filter((hit) => hit.score > 0);
  scored.sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1));
  return scored.slice(0, k);
}

function assertMatchesReference(actual: Array<{ chunkId: string; score: number }>, expected: Array<{ chunkId: string; score: number }>, label: string) {
  assert.equal(actual.length, expected.length, `${label}: result count`);
  const referenceScore = new Map(expected.map((h) => [h.chunkId, h.score]));
  actual.forEach((hit, i) => {
    // Float32 accumulation: equal to ~1e-6 relative; ids may swap only between near-equal scores.
    assert.ok(Math.abs(hit.score - expected[i].score) <= 1e-4 * expected[i].score, `${label}: score at rank ${i}`);
    const own = referenceScore.get(hit.chunkId);
    assert.ok(own !== undefined && Math.abs(own - hit.score) <= 1e-4 * own, `${label}: ${hit.chunkId} belongs in the top ${expected.length}`);
  });
}

const QUERIES = [
  'marker3 alpha bravo charlie',
  'marker1 alpha',
  'alpha bravo charlie delta echo',
  'sapphire topaz obsidian',
  'alpha alpha zulu',
  'marker0 marker2 alpha bravo',
  'nonexistentword',
];

describe('BM25 index', () => {
  const params: Bm25Params = { k1: 1.2, b: 0.75, fieldWeight: 2 };
  const entries = makeEntries(1500, 7);
  const index = createBm25Index({ params });
  for (const entry of entries) index.add(entry);

  test('top-k equals a brute-force BM25 over every chunk (pruned scans stay exact)', () => {
    for (const query of QUERIES) {
      for (const k of [1, 5, 50]) {
        const terms = analyze(query);
        assertMatchesReference(index.search(terms, k), referenceSearch(entries, params, terms, k), `${query} k=${k}`);
      }
    }
  });

  test('filters apply before ranking: a blocked document never appears, however large k is', () => {
    const allowed = new Uint8Array(50);
    for (let key = 0; key < 50; key += 3) allowed[key] = 1;
    const allowedKeys = new Set([...allowed.keys()].filter((key) => allowed[key] === 1));
    for (const query of QUERIES) {
      const terms = analyze(query);
      const hits = index.search(terms, 10_000, allowed);
      assert.ok(hits.every((hit) => allowedKeys.has(entries.find((e) => e.chunkId === hit.chunkId)!.docKey)));
      assertMatchesReference(hits.slice(0, 10), referenceSearch(entries, params, terms, 10, allowedKeys), `filtered ${query}`);
    }
    const none = new Uint8Array(50);
    assert.deepEqual(index.search(analyze('alpha'), 10_000, none), []);
  });

  test('changing k1, b and the field weight needs no re-index', () => {
    const other: Bm25Params = { k1: 0.6, b: 0.3, fieldWeight: 1 };
    const tuned = createBm25Index({ params });
    for (const entry of entries.slice(0, 300)) tuned.add(entry);
    tuned.setParams(other);
    const terms = analyze('alpha bravo marker3');
    assertMatchesReference(tuned.search(terms, 20), referenceSearch(entries.slice(0, 300), other, terms, 20), 'retuned');
  });

  test('tombstones and compaction give exactly the scores of a freshly built index', () => {
    const mutated = createBm25Index({ params, compactAt: 1 }); // compact only when asked
    for (const entry of entries) mutated.add(entry);
    const random = seededRandom(99);
    const live = new Map(entries.map((e) => [e.chunkId, e]));
    for (const entry of entries) {
      const roll = random();
      if (roll < 0.3) {
        mutated.remove(entry.chunkId);
        live.delete(entry.chunkId);
      } else if (roll < 0.4) {
        const replacement = { ...entry, body: analyze(randomText(random, 30) + ' replaced') };
        mutated.add(replacement);
        live.set(entry.chunkId, replacement);
      }
    }
    const fresh = createBm25Index({ params });
    for (const entry of live.values()) fresh.add(entry);
    assert.ok(mutated.tombstoneCount > 0);
    assert.equal(mutated.liveCount, fresh.liveCount);
    const queries = [...QUERIES, 'replaced alpha'];
    for (const query of queries) assert.deepEqual(mutated.search(analyze(query), 25), fresh.search(analyze(query), 25), query);
    mutated.compact();
    assert.equal(mutated.tombstoneCount, 0);
    for (const query of queries) assert.deepEqual(mutated.search(analyze(query), 25), fresh.search(analyze(query), 25), query);
    // And the index stays usable after compaction.
    mutated.add({ chunkId: 'late', docKey: 1, body: analyze('marker4 marker4 late arrival'), field: [] });
    assert.equal(mutated.search(analyze('arrival'), 3)[0]?.chunkId, 'late');
  });

  test('terms that occur once (kept inline) score, grow, die, compact and export like any other term', () => {
    // Every chunk has its own id term; some ids come back in a later chunk (a term's second posting).
    const unique = (i: number): Bm25Entry => ({ chunkId: `u${i}`, docKey: i % 7, body: analyze(`sku${i} alpha ${i % 3 === 0 ? `sku${i + 1}` : ''}`), field: analyze(`record ${i}`) });
    const mutated = createBm25Index({ params, compactAt: 1 });
    const live = new Map<string, Bm25Entry>();
    for (let i = 0; i < 300; i++) {
      const entry = unique(i);
      mutated.add(entry);
      live.set(entry.chunkId, entry);
    }
    for (let i = 0; i < 300; i += 4) {
      mutated.remove(`u${i}`);
      live.delete(`u${i}`);
    }
    const check = (index: Bm25Index, label: string) => {
      const entries = [...live.values()];
      for (const query of ['sku8', 'sku9 alpha', 'sku10', 'sku13 sku12', 'sku299 record', 'sku400']) {
        assertMatchesReference(index.search(analyze(query), 10), referenceSearch(entries, params, analyze(query), 10), `${label}: ${query}`);
      }
    };
    check(mutated, 'with tombstones');
    mutated.compact();
    check(mutated, 'compacted');
    // A term whose only posting died comes back; a solo term gets a second posting after compaction.
    const back = { chunkId: 'back', docKey: 1, body: analyze('sku8 sku9 sku400'), field: [] };
    mutated.add(back);
    live.set('back', back);
    check(mutated, 'after compaction');
    check(Bm25Index.fromState(mutated.exportState(), { params }), 'exported and reloaded');
  });

  test('each chunk keeps its passage code through removal, compaction, export and a snapshot', async () => {
    const index = createBm25Index({ params });
    const codeOf = (i: number) => i % 3;
    entries.forEach((entry, i) => index.add({ ...entry, passage: codeOf(i) }));
    for (const entry of entries.slice(0, 300)) index.remove(entry.chunkId);
    index.compact();
    const file = path.join(await tempDir(), 'bm25.snapshot');
    writeBm25Snapshot(file, index.exportState(), { storeId: 's', generation: 1, analyzerVersion: 1 });
    const read = readBm25Snapshot(file, { storeId: 's', analyzerVersion: 1 });
    assert.ok(read.state !== null);
    const loaded = Bm25Index.fromState(read.state, { params });
    entries.forEach((entry, i) => {
      const want = i < 300 ? undefined : codeOf(i);
      assert.equal(index.passageOf(entry.chunkId), want, entry.chunkId);
      assert.equal(loaded.passageOf(entry.chunkId), want, `${entry.chunkId} after the snapshot`);
    });
    index.add({ ...entries[0]!, passage: 2 });
    assert.equal(index.passageOf(entries[0]!.chunkId), 2, 'a re-added chunk takes its new code');
  });

  test('a snapshot round trip answers identically; a damaged snapshot is refused, not trusted', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bm25.snapshot');
    const source = createBm25Index({ params });
    for (const entry of entries) source.add(entry);
    for (const entry of entries.slice(0, 200)) source.remove(entry.chunkId);
    const tag = { storeId: 'store-1', generation: 42, analyzerVersion: 1 };
    writeBm25Snapshot(file, source.exportState(), tag);
    const read = readBm25Snapshot(file, { storeId: 'store-1', analyzerVersion: 1 });
    assert.ok(read.state !== null);
    assert.equal(read.generation, 42);
    const loaded = Bm25Index.fromState(read.state, { params });
    for (const query of QUERIES) assert.deepEqual(loaded.search(analyze(query), 30), source.search(analyze(query), 30), query);
    loaded.add({ chunkId: 'after-load', docKey: 3, body: analyze('marker2 alpha'), field: [] });
    assert.ok(loaded.search(analyze('marker2'), 100).some((hit) => hit.chunkId === 'after-load'));

    assert.equal(readBm25Snapshot(file, { storeId: 'other-store', analyzerVersion: 1 }).state, null);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length * 0.7)] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const damaged = readBm25Snapshot(file, { storeId: 'store-1', analyzerVersion: 1 });
    assert.equal(damaged.state, null);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    assert.equal(readBm25Snapshot(file, { storeId: 'store-1', analyzerVersion: 1 }).state, null);
  });
});
