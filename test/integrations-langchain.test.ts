import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TailorRetriever } from '../src/integrations/langchain-retriever.js';
import { startServer, type Fixture } from './server-fixture.js';

/** LangChain users keep Tailor's citations: a real LangChain retriever against a real Tailor server. */
let f: Fixture;
let key: string;
before(async () => {
  f = await startServer({
    collections: {
      handbook: [
        { source: 'mem://leave', title: 'Leave', format: 'markdown', text: '# Leave\n\nNew employees get 28 days of paid vacation per calendar year.' },
        { source: 'mem://security', title: 'Security', format: 'markdown', text: '# Security\n\nPasswords must be at least 14 characters long.' },
      ],
      secret: [{ source: 'mem://salaries', title: 'Salaries', text: 'The CEO earns 28 days of salary per vacation.' }],
    },
    manualClose: true,
  });
  key = f.keys.create({ name: 'lc', role: 'reader', collections: ['handbook'] }).key;
});
after(() => f.close());

async function storedText(documentId: string): Promise<string> {
  const [doc] = await f.tailor.store.doListDocuments({ ids: [documentId], withText: true });
  return doc!.text!;
}

test('search mode returns passages whose metadata locates them exactly, within the key\'s grants', async () => {
  const retriever = new TailorRetriever({ baseURL: f.url, apiKey: key, k: 3 });
  const docs = await retriever.invoke('How many days of paid vacation?');
  assert.ok(docs.length >= 1);
  assert.equal(docs[0]!.metadata.source, 'mem://leave');
  assert.deepEqual(docs[0]!.metadata.headingPath, ['Leave']);
  for (const doc of docs) {
    assert.notEqual(doc.metadata.source, 'mem://salaries');
    assert.equal((await storedText(doc.metadata.documentId)).slice(doc.metadata.start, doc.metadata.end), doc.pageContent);
  }
});

test('answer mode returns the answer\'s citations as documents', async () => {
  const retriever = new TailorRetriever({ baseURL: f.url, apiKey: key, mode: 'answer', collections: ['handbook'] });
  const docs = await retriever.invoke('How many days of paid vacation do new employees get?');
  assert.equal(docs.length, 1);
  assert.match(docs[0]!.pageContent, /28 days of paid vacation/);
  assert.equal(docs[0]!.metadata.n, 1);
  assert.match(docs[0]!.metadata.answer ?? '', /\[1\]/);
  assert.equal((await storedText(docs[0]!.metadata.documentId)).slice(docs[0]!.metadata.start, docs[0]!.metadata.end), docs[0]!.pageContent);
});

test('a bad key fails with the server\'s message', async () => {
  const retriever = new TailorRetriever({ baseURL: f.url, apiKey: 'tlr_nope' });
  await assert.rejects(retriever.invoke('anything'), /HTTP 401/);
});
