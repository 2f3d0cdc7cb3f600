/**
 * The web UI end to end, in a real Chromium against the real server: create a
 * collection, drop a real PDF, wait for it to be indexed, ask a question, click a
 * citation and check the highlighted passage is exactly the cited quote.
 * Screenshots of each step land in test-output/screenshots/.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { openWorkspace } from '../src/workspace.js';
import { model2vecTestDir } from './helpers/model2vec-fixture.js';
import { createServer } from '../src/server/index.js';
import type { Answer } from '../src/core/types.js';
import { tempDir, SHARED } from './helpers/temp.js';
import { arenaRun, saveArenaRun } from './helpers/arena-run.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB_DIST = join(ROOT, 'dist/web');
const SCREENSHOTS = join(ROOT, 'test-output/screenshots');
const REAL_PDF = fileURLToPath(new URL('data/pdfs/ULTABEAUTY_2023Q4_EARNINGS.pdf', SHARED));
/** The real earnings release where ../shared has it, else a four-page one made here with pdf-lib. */
const PDF = existsSync(REAL_PDF) ? REAL_PDF : 'quarterly-results.pdf';
const MODEL2VEC = model2vecTestDir();
const QUESTION = 'What was the tax rate in the fourth quarter?';

type AnswerEvent = Answer & { traceId?: string };

const skip = chromiumSkip('the web UI end-to-end test');

test('web UI: upload a PDF, ask, follow a citation to its highlighted passage', { skip, timeout: 90_000 }, async () => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  }
  await mkdir(SCREENSHOTS, { recursive: true });

  const home = await tempDir('tailor-web-e2e-');
  const workspace = await openWorkspace({ home, embedder: `model2vec:${MODEL2VEC}`, env: {} });
  const runDir = await saveArenaRun(home, arenaRun('20261201-120000-e2e2', [
    { name: 'rag', kind: 'rag', f1: 0.71, interval: [0.65, 0.77] },
    { name: 'ft', kind: 'ft', f1: 0.22, interval: [0.17, 0.27] },
    { name: 'base', kind: 'base', f1: 0.04, interval: [0.01, 0.07] },
  ], { collections: ['filings'], freshness: { facts: 5, syncSeconds: 0.4, details: [], arms: [{ name: 'rag', fresh: 1, stale: 0, secondsToFresh: 0.4, how: 'sync' }, { name: 'ft', fresh: 0, stale: 1, secondsToFresh: 180, how: 'retrain-estimated' }] } }));
  // Data, not markup: an arm's model string with tags must show as text.
  const runJson = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
  runJson.arms[1].model = '<b>gguf:stories260K.gguf</b>';
  await writeFile(join(runDir, 'run.json'), JSON.stringify(runJson));
  await writeFile(join(runDir, 'report.html'), '<!doctype html><title>report</title><h1>Arena report 20261201-120000-e2e2</h1>');
  const [server, browser] = await Promise.all([
    createServer({ workspace, webRoot: WEB_DIST }).listen(0, '127.0.0.1'),
    launchChromium(),
  ]);
  after(async () => {
    await browser.close();
    await server.close();
    await workspace.tailor.close();
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  // 1. Create a collection.
  await page.goto(`${server.url}/#/documents`);
  await page.getByLabel('New collection').fill('filings');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.locator('#documents-collection option[value="filings"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('#documents-collection').inputValue(), 'filings');
  await shot('01-collection-created');

  // 2. Drop the real PDF and a broken one on the drop zone; wait until the job has indexed them.
  await dropFiles(page, '#dropzone', [
    { name: basename(PDF), type: 'application/pdf', bytes: existsSync(REAL_PDF) ? await readFile(REAL_PDF) : await quarterlyResultsPdf() },
    { name: 'broken.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.7\nthis is not really a PDF\n') },
  ]);
  const upload = page.locator('.upload').first();
  await upload.locator('.upload-status', { hasText: /^Done, 1 failed$/ }).waitFor({ timeout: 25_000 });
  const outcomes = await upload.locator('.outcomes').innerText();
  assert.match(outcomes, new RegExp(`indexed\\s+${basename(PDF).replace(/\./g, '\\.')} · \\d+ chunks`));
  assert.match(outcomes, /failed\s+broken\.pdf: \S+/);
  const row = page.locator('table.documents tbody tr').filter({ hasText: basename(PDF) });
  await row.locator('.status.indexed').waitFor();
  const failedRow = page.locator('table.documents tbody tr[data-status="failed"]').filter({ hasText: 'broken.pdf' });
  assert.ok((await failedRow.locator('.reason').innerText()).length > 0, 'a failed upload shows its reason');
  await shot('02-pdf-indexed');

  // 3. Ask; the answer streams over SSE and ends with the Answer the UI renders.
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.locator('#chat-collection').selectOption('filings');
  const askResponse = page.waitForResponse((r) => r.url().endsWith('/api/ask') && r.request().method() === 'POST');
  await page.getByRole('textbox', { name: 'Question' }).fill(QUESTION);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const answer = parseAnswerEvent(await (await askResponse).text());
  assert.equal(answer.refused, false, `the question should be answered from the PDF, got: ${answer.text}`);
  assert.ok(answer.citations.length > 0, 'the answer cites its source');
  const answerText = page.locator('.transcript .answer .answer-text').first();
  await answerText.locator('button.cite').first().waitFor();
  assert.equal(await answerText.textContent(), answer.text, 'the UI shows the answer text exactly');
  await shot('03-answer');

  // 4. Click citation [n]: the passage is highlighted in its document, scrolled into view, with its page.
  const citation = answer.citations[0];
  await answerText.locator(`button.cite[data-n="${citation.n}"]`).first().click();
  const mark = page.locator('#viewer mark.passage');
  await mark.waitFor({ state: 'visible' });
  assert.equal(await mark.textContent(), citation.quote, 'the highlight is exactly the cited quote');
  const stored = (await (await fetch(`${server.url}/api/documents/${citation.documentId}`)).json()) as { text: string };
  assert.equal(await mark.textContent(), stored.text.slice(citation.start, citation.end));
  assert.ok(await isScrolledIntoView(page), 'the highlighted passage is scrolled into view');
  assert.ok(citation.page !== undefined, 'PDF citations carry their page');
  assert.equal(await page.locator('#viewer .viewer-meta .page-label').textContent(), `page ${citation.page}`);
  await shot('04-citation-highlighted');

  // 5. The page view shows the same passage within its page's text.
  await page.getByRole('button', { name: `Page ${citation.page} view` }).click();
  assert.equal(await mark.textContent(), citation.quote);
  assert.ok(await isScrolledIntoView(page));
  await page.locator('#viewer .viewer-toolbar', { hasText: `page ${citation.page} of` }).waitFor();
  await shot('05-page-view');

  // 6. "Why this answer": every retrieved chunk with its scores, and the exact prompt.
  await page.locator('#viewer button[aria-label="Close source"]').click();
  const why = page.locator('details.why').first();
  await why.locator('summary').click();
  assert.equal(await why.locator('table.scores tbody tr').count(), answer.trace.retrieved.length);
  const firstRow = why.locator('table.scores tbody tr').first();
  assert.equal((await firstRow.locator('td').nth(4).textContent())?.trim(), answer.trace.retrieved[0].scores.fused.toFixed(3));
  assert.equal(await why.locator('.prompt pre').count(), answer.trace.prompt.length);
  await shot('06-why-this-answer');
  await why.locator('.prompt').scrollIntoViewIfNeeded();
  await shot('06b-why-prompt');

  // 7. A question the document cannot answer is refused, visibly.
  const refusalResponse = page.waitForResponse((r) => r.url().endsWith('/api/ask') && r.request().method() === 'POST');
  await page.getByRole('textbox', { name: 'Question' }).fill('Who painted the ceiling of the Sistine Chapel?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const refusal = parseAnswerEvent(await (await refusalResponse).text());
  assert.equal(refusal.refused, true, `an unanswerable question is refused, got: ${refusal.text}`);
  await page.locator('.transcript .turn').nth(1).locator('.refusal').waitFor();
  await shot('07-refusal');

  // 8. Search playground: results with scores and the query terms highlighted.
  await page.getByRole('link', { name: 'Search' }).click();
  await page.getByLabel('Query').fill('comparable sales transactions');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.search-results table.scores tbody tr').first().waitFor();
  assert.ok((await page.locator('.search-results mark.term').count()) > 0, 'query terms are highlighted');
  await shot('08-search');

  // 8b. Evaluate: the arena run is listed; its per-arm table, best arm, freshness and report show.
  await page.getByRole('link', { name: 'Evaluate' }).click();
  const runRow = page.locator('table.arena-runs tbody tr[data-run="20261201-120000-e2e2"]');
  await runRow.waitFor();
  assert.match(await runRow.innerText(), /knowledge-injection[\s\S]*rag, ft, base[\s\S]*complete/);
  await runRow.getByRole('button', { name: '20261201-120000-e2e2' }).click();
  const arms = page.locator('table.arena-arms');
  await arms.waitFor();
  assert.equal(await arms.locator('tbody tr').count(), 3);
  assert.equal((await arms.locator('tr[data-arm="rag"] td[data-metric="f1"]').innerText()).trim(), '0.710 [0.650, 0.770]');
  assert.equal(await arms.locator('tr[data-arm="ft"] td.model').innerText(), '<b>gguf:stories260K.gguf</b> + adapter facts-lora', 'data renders as text');
  assert.match(await page.locator('.arena-run .best-summary').innerText(), /^Best arm: rag \(rag\) — f1 0\.710, ahead of every other arm/);
  assert.equal(await page.locator('table.arena-freshness tbody tr').count(), 2);
  await shot('08b-evaluate-run');
  await page.getByRole('button', { name: 'View report here' }).click();
  const reportHeading = page.frameLocator('iframe.report-frame').locator('h1');
  await reportHeading.waitFor();
  assert.equal(await reportHeading.innerText(), 'Arena report 20261201-120000-e2e2');
  assert.equal(await page.locator('iframe.report-frame').getAttribute('sandbox'), '', 'the report runs in an empty sandbox');
  await shot('08c-evaluate-report');
  await page.locator('#advice-preset option[value="finance"]').waitFor({ state: 'attached' });
  await page.locator('#advice-preset').selectOption('finance');
  await page.getByRole('button', { name: 'Advise', exact: true }).click();
  await page.locator('.advice-verdict').waitFor();
  assert.match(await page.locator('.advice-verdict').innerText(), /^Recommendation: rag — confidence 0\.\d\d/);
  assert.ok((await page.locator('.advice-reasons li').allInnerTexts()).some((t) => t.startsWith('[updateFrequency] Measured: after 5 facts changed, arm ft (ft) still gave the old value for 100% of them')));
  await page.locator('.advice').scrollIntoViewIfNeeded();
  await shot('08d-evaluate-advice');

  // 8e. Start a run from the page: a job with progress on the server, then the new run opens.
  await page.locator('#arena-collection option[value="filings"]').waitFor({ state: 'attached' });
  await page.locator('#arena-collection').selectOption('filings');
  assert.equal(await page.getByLabel('Arms', { exact: true }).inputValue(), 'rag=extractive,rag-k1=extractive+k:1');
  await page.getByLabel('Questions', { exact: true }).fill('4');
  await page.getByRole('button', { name: 'Start run' }).click();
  const startStatus = page.locator('.arena-start-status');
  await startStatus.filter({ hasText: /^Run \S+ (finished|failed)/ }).waitFor({ timeout: 90_000 });
  const startedText = await startStatus.innerText();
  assert.match(startedText, /^Run \S+ finished\.$/);
  const startedId = startedText.split(' ')[1]!;
  await page.locator(`table.arena-runs tbody tr[data-run="${startedId}"]`).waitFor();
  await page.locator('.arena-run h2', { hasText: `Run ${startedId}` }).waitFor();
  assert.deepEqual(await page.locator('table.arena-arms tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-arm'))), ['rag', 'rag-k1']);
  assert.equal(await page.locator('#arena-progress').getAttribute('value'), await page.locator('#arena-progress').getAttribute('max'));
  await shot('08e-evaluate-started');

  // 9. A narrow (phone) layout: the source opens over the chat, passage in view.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole('link', { name: 'Chat' }).click();
  await shot('09-narrow-chat');
  await answerText.locator(`button.cite[data-n="${citation.n}"]`).first().click();
  await mark.waitFor({ state: 'visible' });
  assert.ok(await isScrolledIntoView(page));
  await shot('10-narrow-citation');
  await page.locator('#viewer button[aria-label="Close source"]').click();

  // 10. Delete the document from the list (still narrow).
  await page.getByRole('link', { name: 'Documents' }).click();
  await row.getByRole('button', { name: /^Delete / }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal(await failedRow.count(), 1, 'the failed upload stays listed with its reason');
  await shot('11-narrow-deleted');

  // The API key screen (the server runs open on loopback, so no key is needed).
  await page.getByRole('link', { name: 'API key' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.key-status', { hasText: /^Connected without a key \(the server runs open\): 1 collection visible/ }).waitFor();
  await shot('12-narrow-api-key');

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

/** A four-page results release: the tax-rate answer on page 3, sales figures elsewhere. */
async function quarterlyResultsPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Northwind Announces Fourth Quarter Results');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pages = [
    ['Northwind Announces Fourth Quarter Results', 'Net sales increased 12.4% to $3.1 billion compared to the fourth quarter of last year.', 'Comparable sales increased 9.8%, driven by a 7.5% increase in transactions.'],
    ['Store operations', 'The company opened 14 new stores and remodeled 9 stores during the quarter.', 'Gross profit increased to 38.2% of net sales.'],
    ['Income taxes', 'The effective tax rate was 23.9% in the fourth quarter compared to 24.6% a year ago.', 'Net income per diluted share was $6.68 for the quarter.'],
    ['Conference call information', 'A conference call to discuss the results will be held today at 4:30 p.m. Eastern Time.'],
  ];
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 54, y: 720 - i * 22, size: 11, font }));
  }
  return Buffer.from(await pdf.save());
}

/** Drops files on `selector` the way a browser does: dragover, then a drop event carrying a DataTransfer. */
async function dropFiles(page: Page, selector: string, files: Array<{ name: string; type: string; bytes: Buffer }>): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (files) => {
      const g = globalThis as any;
      const transfer = new g.DataTransfer();
      for (const { base64, name, type } of files) {
        const bytes = Uint8Array.from(g.atob(base64), (c: string) => c.charCodeAt(0));
        transfer.items.add(new g.File([bytes], name, { type }));
      }
      return transfer;
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })),
  );
  await page.locator(selector).dispatchEvent('dragover', { dataTransfer });
  await page.locator(selector).dispatchEvent('drop', { dataTransfer });
}

/** The `answer` event of the /api/ask SSE stream. */
function parseAnswerEvent(body: string): AnswerEvent {
  const events = body.split(/\r?\n\r?\n/).map((block) => {
    const lines = block.split(/\r?\n/);
    const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    return { event, data };
  });
  assert.ok(events.some((e) => e.event === 'delta'), 'the answer streamed as delta events');
  const final = events.find((e) => e.event === 'answer');
  assert.ok(final, `the stream ends with an answer event, got: ${body.slice(0, 300)}`);
  return JSON.parse(final.data) as AnswerEvent;
}

/** Whether the highlighted passage's top is inside both the text panel and the window. */
function isScrolledIntoView(page: Page): Promise<boolean> {
  return page.locator('#viewer mark.passage').evaluate((el: any) => {
    const mark = el.getBoundingClientRect();
    const panel = el.closest('.doc-text').getBoundingClientRect();
    return mark.top >= panel.top && mark.top < panel.bottom - 10 && mark.top < (globalThis as any).innerHeight;
  });
}
