import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkDocument } from '../src/chunking/index.js';
import { loadDocument } from '../src/ingest/loaders/index.js';
import { DOCUSAURUS, MDBOOK, MKDOCS, SPHINX } from './fixtures/doc-sites.js';

async function page(name: string, html: string) {
  const doc = await loadDocument({ path: `${name}.html`, bytes: new TextEncoder().encode(html) });
  const chunks = chunkDocument({ text: doc.text, format: doc.format }, { maxTokens: 40 });
  return { doc, headingPaths: chunks.map((c) => c.headingPath.join(' › ')) };
}

/** No chrome in the text, no chrome in any heading path, no heading-link glyphs. */
function assertClean(doc: { text: string }, headingPaths: string[]) {
  assert.ok(!doc.text.includes('NOISE'), `chrome leaked into the text:\n${doc.text}`);
  assert.ok(!/[¶\u200b]/.test(doc.text), 'heading-link glyphs are not text');
  for (const path of headingPaths) assert.ok(!/NOISE|Keyboard shortcuts|Navigation|Table of contents/i.test(path), `heading path: ${path}`);
}

describe('documentation sites come out as text, not page chrome', () => {
  test('mdBook: no shortcut help, sidebar, menu bar or search; the title is the page’s own with its hyphen', async () => {
    const { doc, headingPaths } = await page('ch16-03-shared-state', MDBOOK);
    assertClean(doc, headingPaths);
    assert.equal(doc.title, 'Shared-State Concurrency');
    assert.ok(doc.text.startsWith('## Shared-State Concurrency\n\nMessage passing is a fine way'), doc.text.slice(0, 120));
    assert.ok(!doc.text.includes('Keyboard shortcuts'));
    assert.ok(headingPaths.includes('Shared-State Concurrency › Using Mutexes to Allow Access to Data from One Thread at a Time'));
    assert.match(doc.text, /let m = Mutex::new\(5\);/);
  });

  test('Sphinx: related bar, sidebar, hidden search box and footer out; ¶ links out; title without the site', async () => {
    const { doc, headingPaths } = await page('tutorial', SPHINX);
    assertClean(doc, headingPaths);
    assert.equal(doc.title, 'Tutorial');
    assert.match(doc.text, /^# Tutorial\n\nThis tutorial walks through/);
    assert.ok(headingPaths.includes('Tutorial › Getting started'));
    assert.match(doc.text, /the defaults are fine/);
  });

  test('MkDocs Material: header, tabs, both sidebars, dialog, hidden button and footer out', async () => {
    const { doc, headingPaths } = await page('getting-started', MKDOCS);
    assertClean(doc, headingPaths);
    assert.equal(doc.title, 'Getting started');
    assert.match(doc.text, /^# Getting started\n\nMaterial for MkDocs is a powerful/);
    assert.match(doc.text, /pip install mkdocs-material/);
    assert.ok(headingPaths.includes('Getting started › Installation'));
  });

  test('Docusaurus: navbar, sidebar, breadcrumbs, TOC and pagination out; a heading about sidebars stays', async () => {
    const { doc, headingPaths } = await page('intro', DOCUSAURUS);
    assertClean(doc, headingPaths);
    assert.equal(doc.title, 'Introduction');
    assert.match(doc.text, /^# Introduction\n\nDocusaurus is a static-site generator/);
    assert.ok(headingPaths.includes('Introduction › Fast Track'));
    assert.ok(headingPaths.includes('Introduction › Sidebar items'), 'content headings are not chrome because of their words');
  });

  test('titles: the site suffix goes, the page’s hyphens stay, a site-first title loses its lead', async () => {
    const title = async (html: string) => (await loadDocument({ path: 'p.html', bytes: new TextEncoder().encode(html) })).title;
    const body = '<body><main><p>Enough words of body text to count as the content of this page for the reader.</p></main></body>';
    assert.equal(await title(`<html><head><title>Non-Blocking I/O - Node.js Docs</title></head>${body}</html>`), 'Non-Blocking I/O');
    assert.equal(await title(`<html><head><title>Acme Docs | Self-Service Refunds</title><meta property="og:site_name" content="Acme Docs"></head>${body}</html>`), 'Self-Service Refunds');
    assert.equal(await title(`<html><head><title>Well-Known Ports</title></head>${body}</html>`), 'Well-Known Ports');
  });
});
