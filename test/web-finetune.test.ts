/**
 * The fine-tuning pages end to end, in a real Chromium against the real server: build a dataset
 * from a collection, see an upload's line errors, split and preview it, train a tiny LoRA adapter on
 * the generated llama (live loss curve, still there after a reload), and see the adapter with its
 * lineage, compare it with RAG side by side in Chat, and see it flagged once a document it learned from is
 * deleted. TAILOR_SCREENSHOTS=1 also saves docs/images/datasets.png, fine-tune.png and adapters.png.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openWorkspace } from '../src/workspace.js';
import { createServer } from '../src/server/index.js';
import { model2vecTestDir } from './helpers/model2vec-fixture.js';
import { tinyLlamaPath } from './helpers/tiny-llama.js';
import { tempDir } from './helpers/temp.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const IMAGES = join(ROOT, 'docs/images');
/** The page's globals these steps use (the test is compiled without the DOM library). */
type Browser = { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
const skip = chromiumSkip("the fine-tuning pages' end-to-end test");

const HR = [
  { source: 'mem://hr/leave.md', title: 'Leave policy', text: 'New staff get 25 days of leave per year.' },
  { source: 'mem://hr/remote.md', title: 'Remote work', text: 'Staff work remote two days per week.' },
  { source: 'mem://hr/security.md', title: 'Security', text: 'Laptops must be encrypted and locked.' },
  { source: 'mem://hr/office.md', title: 'Office', text: 'The office is open from eight to six.' },
  { source: 'mem://hr/pets.md', title: 'Pets', text: 'A dog may come to the office on Friday.' },
  { source: 'mem://hr/lunch.md', title: 'Lunch', text: 'Lunch is served at noon in the big hall.' },
  { source: 'mem://hr/parking.md', title: 'Parking', text: 'Staff park in the north lot after seven.' },
  { source: 'mem://hr/travel.md', title: 'Travel', text: 'Train travel is booked by the office team.' },
];

test('web UI: build a dataset, train a tiny adapter with a live loss curve, see its lineage, compare it with RAG side by side', { skip, timeout: 240_000 }, async () => {
  // A build of this checkout's web UI of its own, so a stale dist/web cannot hide a missing page.
  const webRoot = await mkdtemp(join(tmpdir(), 'tailor-web-ft-'));
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir: webRoot, emptyOutDir: true } });

  const home = await tempDir('tailor-web-ft-home-');
  const workspace = await openWorkspace({ home, embedder: `model2vec:${model2vecTestDir()}`, env: {} });
  await workspace.tailor.ingestTexts({ collection: 'hr', items: HR });
  mkdirSync(join(home, 'models'), { recursive: true });
  copyFileSync(tinyLlamaPath(), join(home, 'models', 'tiny.gguf'));
  const [server, browser] = await Promise.all([
    createServer({ workspace, webRoot }).listen(0, '127.0.0.1'),
    launchChromium(),
  ]);
  after(async () => {
    await browser.close();
    await server.close();
    await workspace.owner.close();
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  const screenshots = process.env.TAILOR_SCREENSHOTS === '1';
  if (screenshots) mkdirSync(IMAGES, { recursive: true });
  const shot = async (name: string) => {
    if (screenshots) await page.screenshot({ path: join(IMAGES, name), fullPage: true });
  };

  // Datasets: build from the collection, with progress, until it is listed.
  await page.goto(`${server.url}/#/datasets`);
  await page.locator('#build-collection option[value="hr"]').waitFor({ state: 'attached' });
  await page.getByLabel('Dataset name').first().fill('hr-qa');
  await page.getByRole('button', { name: 'Build dataset' }).click();
  await page.getByRole('status').filter({ hasText: 'Built “hr-qa”.' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#build-progress').getAttribute('value'), await page.locator('#build-progress').getAttribute('max'));
  const hrRow = page.locator('tr[data-dataset="hr-qa"]');
  await hrRow.waitFor();

  // A build started before a reload shows its progress again after it, until it ends; a job the server
  // no longer knows is dropped without a word.
  await page.evaluate(async () => {
    const response = await fetch('/api/datasets/build', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ collection: 'hr', kind: 'qa', name: 'hr-again' }) });
    const { jobId, dataset } = (await response.json()) as { jobId: string; dataset: string };
    (globalThis as unknown as Browser).localStorage.setItem('tailor.datasetBuild', JSON.stringify({ jobId, subject: dataset, label: `Building “${dataset}”` }));
  });
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Built “hr-again”.' }).waitFor({ timeout: 30_000 });
  await page.locator('tr[data-dataset="hr-again"]').waitFor();
  assert.equal(await page.evaluate(() => (globalThis as unknown as Browser).localStorage.getItem('tailor.datasetBuild')), null);
  await page.evaluate(() => (globalThis as unknown as Browser).localStorage.setItem('tailor.datasetBuild', JSON.stringify({ jobId: 'job-gone', subject: 'x', label: 'Building “x”' })));
  await page.reload();
  await page.waitForFunction(() => (globalThis as unknown as Browser).localStorage.getItem('tailor.datasetBuild') === null);
  assert.equal(await page.locator('#build-progress').isHidden(), true);

  // An upload with a bad line: nothing is imported, and the line is named.
  const csv = join(home, 'facts.csv');
  await writeFile(csv, 'prompt,completion\n"Where does Tom live?","Tom lives in a red house."\n"What is in the box?",""\n');
  await page.locator('#upload-file').setInputFiles(csv);
  await page.locator('#upload-format').selectOption('csv');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const issue = page.locator('.dataset-issues li[data-line="3"]');
  await issue.waitFor();
  assert.match(await issue.innerText(), /Line 3 \(empty-answer\)/);

  // Split by document, half for validation, then preview the examples.
  await page.getByLabel('Split ratios (train, validation, test)').fill('0.5,0.5,0');
  await hrRow.getByRole('button', { name: 'Split hr-qa by document' }).click();
  await page.locator('tr[data-dataset="hr-qa"] td', { hasText: / \/ 0$/ }).waitFor();
  await page.locator('tr[data-dataset="hr-qa"]').getByRole('button', { name: 'Preview hr-qa' }).click();
  await page.locator('.dataset-preview .example').first().waitFor();
  assert.ok((await page.locator('.dataset-preview .example .message.assistant').count()) > 0);
  await shot('datasets.png');

  // Fine-tune: a tiny local run; the loss curve grows live and shows the validation points and best epoch.
  await page.getByRole('link', { name: 'Fine-tune' }).click();
  await page.locator('#train-dataset option[value="hr-qa"]').waitFor({ state: 'attached' });
  await page.locator('#train-dataset').selectOption('hr-qa');
  await page.locator('#train-base').selectOption('tiny.gguf');
  await page.getByLabel('Adapter name').fill('hr-lora');
  for (const [label, value] of [['Epochs', '3'], ['LoRA rank', '2'], ['Learning rate', '0.01'], ['Batch size', '1'], ['Max sequence length', '160']] as const) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Start training' }).click();
  const run = page.locator('section.training-run');
  await run.locator('svg.loss-chart path[data-series="train"]').waitFor({ timeout: 60_000 });
  await page.locator('section.training-run[data-status="done"]').waitFor({ timeout: 120_000 });
  assert.equal(await run.locator('svg.loss-chart circle.point.validation').count(), 3, 'a validation point per epoch');
  assert.equal(await run.locator('svg.loss-chart line.best-epoch').count(), 1, 'the best epoch is marked');
  assert.match(await run.locator('dd[data-fact="Perplexity before → after"]').innerText(), /^\d+\.\d{3} → \d+\.\d{3}$/);
  // After a reload the run is still on screen.
  await page.reload();
  await page.locator('section.training-run[data-status="done"] svg.loss-chart path[data-series="train"]').waitFor({ timeout: 15_000 });
  await shot('fine-tune.png');

  // Adapters: the lineage from documents to the dataset to the adapter.
  await page.getByRole('link', { name: 'Adapters' }).click();
  await page.locator('tr[data-adapter="hr-lora"]').getByRole('button', { name: 'hr-lora' }).click();
  const lineage = page.locator('.adapter-detail .lineage');
  await lineage.waitFor();
  const docs = await lineage.locator('.lineage-documents li').allInnerTexts();
  assert.ok(docs.length >= 2 && docs.every((d) => /\(hr\)$/.test(d.trim())), docs.join(' | '));
  assert.match(await lineage.innerText(), /hr-qa/);
  assert.equal(await page.locator('.adapter-detail .erased-flag').count(), 0);
  await shot('adapters.png');

  // Chat, side by side: the trained adapter answers the same question as RAG, each in its column.
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.locator('#chat-collection').selectOption('hr');
  await page.getByLabel('Side by side', { exact: true }).check();
  await page.getByRole('checkbox', { name: 'Adapter hr-lora', exact: true }).waitFor();
  assert.match(await page.locator('.side-by-side').innerText(), /Each arm answers the same question/);
  for (const name of ['RAG (hr)', 'Adapter hr-lora', 'RAG + adapter hr-lora']) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByRole('textbox', { name: 'Question' }).fill('How many days of leave do new staff get?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const columns = page.locator('.compare-columns .compare-column');
  await page.locator('.compare-columns .compare-column .compare-timing').nth(2).waitFor({ timeout: 60_000 });
  assert.deepEqual(await columns.evaluateAll((els) => els.map((el) => el.getAttribute('data-arm')).sort()), ['adapter', 'rag', 'rag+adapter']);
  assert.match(await page.locator('.compare-column[data-arm="rag"] .answer-text').innerText(), /25 days/);
  assert.match(await page.locator('.compare-column[data-arm="rag"] .compare-timing').innerText(), /^\d+ ms · \d+ tokens · \d+ citations?/);
  // The adapter's own answer is the tiny model's generation: text with timing, and no citations of its own.
  assert.match(await page.locator('.compare-column[data-arm="adapter"] .compare-timing').innerText(), /^\d+ ms · \d+ tokens · no citations/);
  assert.equal(await page.locator('.compare-columns .error').count(), 0);
  await shot('chat-side-by-side-adapter.png');
  await page.getByLabel('Side by side', { exact: true }).uncheck();

  // A document it was trained on is deleted on the Documents page: the adapter is flagged, with the retrain command.
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.locator('#documents-collection').selectOption('hr');
  await page.getByRole('button', { name: 'Delete Leave policy', exact: true }).click();
  await page.getByRole('button', { name: 'Delete Leave policy', exact: true }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Adapters' }).click();
  await page.locator('tr[data-adapter="hr-lora"]').getByRole('button', { name: 'hr-lora' }).click();
  const flag = page.locator('.adapter-detail .erased-flag');
  await flag.waitFor();
  assert.match(await flag.innerText(), /Contains erased data[\s\S]*tailor train/);

  // Delete it from its page (the confirm dialog is accepted): the list no longer has it.
  await page.getByRole('link', { name: 'Adapters' }).click();
  await page.getByRole('button', { name: 'Delete hr-lora' }).click();
  await page.locator('tr[data-adapter="hr-lora"]').waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors, []);
});
