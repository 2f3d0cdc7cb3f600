import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor, type Tailor } from '../src/tailor.js';
import { expectedAnswerKind, findDates, findNumbers } from '../src/answer/values.js';
import { goldSpellings, loadRgbFact, mentions, RGB_FACT, withPassages } from '../bench/answer-corpus.js';
import { tempDir } from './helpers/temp.js';

interface Doc { source: string; title: string; text: string }

async function open(docs: Doc[]): Promise<Tailor> {
  const store = await createSqliteStore({ home: join(await tempDir(), 'home') });
  const tailor = createTailor({ store });
  await tailor.ingestTexts({ items: docs.map((d) => ({ ...d, format: 'markdown' as const })) });
  return tailor;
}

async function storedText(tailor: Tailor, documentId: string): Promise<string> {
  const [doc] = await tailor.store.doListDocuments({ ids: [documentId], withText: true });
  return doc!.text!;
}

describe('values a question asks for', () => {
  test('the kind of value follows the question', () => {
    assert.equal(expectedAnswerKind('When was the policy introduced?'), 'date');
    assert.equal(expectedAnswerKind('How many days of paid vacation do new employees get?'), 'number');
    assert.equal(expectedAnswerKind('Who approves travel requests?'), 'name');
    assert.equal(expectedAnswerKind('Why do we rotate keys?'), 'other');
  });

  test('dates and amounts are read in any common spelling and compare equal', () => {
    const keys = (s: string) => findDates(s).map((d) => d.key);
    assert.deepEqual(keys('on Jul. 21, 2017'), keys('on 21 July 2017'));
    assert.deepEqual(findNumbers('revenue of $1.65 billion in 2006').map((n) => [n.text, n.key]), [['$1.65 billion', 'number-$1650000000']]);
    assert.deepEqual(findNumbers('Model B12 costs 40%').map((n) => n.text), ['40%']);
  });
});

describe('the extractive answer tells the truth about its evidence', () => {
  test('a short value leads, then the sentence stating it with its citation', async () => {
    const tailor = await open([
      { source: 'mem://leave', title: 'Leave', text: '# Leave\n\nNew employees get 28 days of paid vacation per calendar year. Vacation days accrue monthly.' },
      { source: 'mem://it', title: 'IT', text: 'Laptops are replaced every three years. Passwords must be at least 14 characters long.' },
    ]);
    const answer = await tailor.ask('How many days of paid vacation do new employees get?');
    assert.equal(answer.refused, false);
    assert.equal(answer.shortAnswer?.text, '28 days');
    assert.match(answer.text, /^28 days\. New employees get 28 days of paid vacation per calendar year\. \[1\]$/);
    assert.equal(answer.conflicts, undefined);
    await tailor.close();
  });

  test('passages that disagree on the value are both cited and marked as a conflict', async () => {
    const tailor = await open([
      { source: 'mem://handbook-2023', title: 'Handbook 2023', text: 'New employees get 25 days of paid vacation per calendar year.' },
      { source: 'mem://handbook-2024', title: 'Handbook 2024', text: 'New employees get 30 days of paid vacation per calendar year.' },
      { source: 'mem://it', title: 'IT', text: 'Passwords must be at least 14 characters long.' },
    ]);
    const answer = await tailor.ask('How many days of paid vacation do new employees get?');
    assert.equal(answer.refused, false);
    assert.equal(answer.conflicts?.length, 1);
    const values = answer.conflicts![0]!.values;
    assert.deepEqual(values.map((v) => v.value).sort(), ['25 days', '30 days']);
    assert.match(answer.text, /^The sources disagree: (25|30) days \[1\] or (25|30) days \[2\]\./);
    assert.equal(answer.shortAnswer, undefined);
    for (const v of values) {
      const citation = answer.citations.find((c) => c.n === v.citations[0])!;
      assert.ok(citation.quote.includes(v.value));
      assert.equal((await storedText(tailor, citation.documentId)).slice(citation.start, citation.end), citation.quote);
    }
    await tailor.close();
  });

  test('two different facts in two passages are not a conflict', async () => {
    const tailor = await open([
      { source: 'mem://leave', title: 'Leave', text: 'New employees get 28 days of paid vacation per calendar year.' },
      { source: 'mem://sick', title: 'Sick leave', text: 'Employees get 10 sick days per calendar year, and new parents get 20 weeks of paid leave.' },
    ]);
    const answer = await tailor.ask('How many days of paid vacation do new employees get?');
    assert.equal(answer.conflicts, undefined);
    assert.match(answer.text, /^28 days\./);
    await tailor.close();
  });
});

describe('refusals judged on what the question means', () => {
  const NDA: Doc[] = [
    {
      source: 'nda.md', title: 'Mutual Non-Disclosure Agreement',
      text: '# Mutual Non-Disclosure Agreement\n\n## Term\n\nThis Agreement remains in force for three years from the Effective Date. The confidentiality obligations survive termination for five years.\n\n## Confidential Information\n\nThe Receiving Party shall not disclose Confidential Information to third parties without prior written consent. The Receiving Party may share Confidential Information with its employees who need to know it.\n\n## Return of Materials\n\nOn request, the Receiving Party shall return or destroy all materials containing Confidential Information within 30 days.',
    },
  ];

  test('an in-domain question whose answer the contract lacks is refused; one it answers is not', async () => {
    const tailor = await open(NDA);
    const lacking = await tailor.ask('Which court has jurisdiction over disputes under the agreement?');
    assert.equal(lacking.refused, true, lacking.text);
    assert.ok(lacking.trace.support! < 0.35);
    const answered = await tailor.ask('How long do the confidentiality obligations survive termination?');
    assert.equal(answered.refused, false);
    assert.match(answered.text, /five years/);
    assert.ok(answered.trace.support! > lacking.trace.support!);
    await tailor.close();
  });

  test('a question asking for a value is supported less by evidence that states none', async () => {
    const tailor = await open(NDA);
    const answer = await tailor.ask('When does the Receiving Party return materials?', { minSupport: 0 });
    const dated = await tailor.ask('Within how many days must the Receiving Party return materials?', { minSupport: 0 });
    assert.match(dated.text, /30 days/);
    assert.equal(dated.shortAnswer?.text, '30 days');
    assert.ok(answer.trace.support! < dated.trace.support!, `${answer.trace.support} vs ${dated.trace.support}`);
    await tailor.close();
  });
});

const ROC_BOOK: Doc[] = [
  {
    source: 'book/ch04-01-what-is-ownership.md', title: 'What Is Ownership?',
    text: '# What Is Ownership?\n\nOwnership is a set of rules that govern how a Rust program manages memory.\n\n## Ownership Rules\n\nFirst, let’s take a look at the ownership rules. Keep these rules in mind as we work through the examples that illustrate them:\n\n- Each value in Rust has an owner.\n- There can only be one owner at a time.\n- When the owner goes out of scope, the value will be dropped.\n\n## Variable Scope\n\nA scope is the range within a program for which an item is valid.',
  },
  {
    source: 'book/ch15-04-rc.md', title: 'Rc<T>, the Reference Counted Smart Pointer',
    text: '# Rc<T>, the Reference Counted Smart Pointer\n\nIn the majority of cases, ownership is clear. To enable multiple ownership explicitly, Rust has a type called Rc<T>, which is an abbreviation for reference counting. The Rc<T> type keeps track of the number of references to a value.',
  },
  {
    source: 'book/ch15-05-rc-graphs.md', title: 'Using Rc<T> to Share Data',
    text: '# Using Rc<T> to Share Data\n\nWe will create two lists that both share ownership of a third list. Each Rc<T> clone increases the reference count.',
  },
  {
    source: 'book/ch10-00-generics.md', title: 'Generic Types, Traits, and Lifetimes',
    text: '# Generic Types, Traits, and Lifetimes\n\nGenerics are abstract stand-ins for concrete types or other properties. We can express the behavior of generics without knowing what will stand in their place.',
  },
  {
    source: 'book/ch14-03-cargo.md', title: 'Cargo Workspaces',
    text: '# Installing Binaries\n\nThe cargo install command allows you to install and use binary crates locally. You can install a package from crates.io with cargo install.',
  },
];

describe('answers on documentation (issue 13 §6)', () => {
  test('a lead-in answers together with the list it introduces, and a heading never answers alone', async () => {
    const tailor = await open(ROC_BOOK);
    const answer = await tailor.ask('What are the rules of ownership?');
    assert.equal(answer.refused, false);
    assert.match(answer.text, /Each value in Rust has an owner\./);
    assert.match(answer.text, /There can only be one owner at a time\./);
    assert.match(answer.text, /goes out of scope, the value will be dropped/);
    assert.doesNotMatch(answer.text, /^Ownership Rules/);
    const quote = answer.citations.find((c) => c.quote.includes('Each value in Rust'))!;
    assert.equal((await storedText(tailor, quote.documentId)).slice(quote.start, quote.end), quote.quote);
    await tailor.close();
  });

  test('"What does Rc stand for?" quotes the Rc chapter, not a stray "stand-ins" sentence', async () => {
    const tailor = await open(ROC_BOOK);
    const answer = await tailor.ask('What does Rc stand for?', { minSupport: 0.3 });
    assert.equal(answer.refused, false);
    assert.match(answer.text, /abbreviation for reference counting/);
    assert.doesNotMatch(answer.text, /stand-ins|stand in their place/);
    await tailor.close();
  });

  test('a question about something the corpus never mentions is refused, naming it', async () => {
    const tailor = await open(ROC_BOOK);
    const answer = await tailor.ask('How do I install the Lodash package?');
    assert.equal(answer.refused, true);
    assert.match(answer.refusalReason ?? '', /lodash/);
    await tailor.close();
  });
});

describe('RGB counterfactual passages (real data)', { skip: existsSync(RGB_FACT) ? false : `../shared/data/rgb/en_fact.json is missing` }, () => {
  test('planted values are flagged as conflicts rather than silently winning', async () => {
    const rows = loadRgbFact().slice(0, 20);
    let flagged = 0;
    let plantedWins = 0;
    for (const row of rows) {
      const passages = [...row.positive, ...row.positive_wrong, ...row.negative].map((text, i) => ({ source: `rgb:${row.id}:${i}`, text }));
      const answer = await withPassages(passages, (tailor) => tailor.ask(row.query));
      const hasTrue = goldSpellings(row.answer).some((g) => mentions(answer.text, g));
      const hasFake = mentions(answer.text, row.fakeanswer);
      if ((answer.conflicts ?? []).length > 0 && hasTrue && hasFake) flagged++;
      if (hasFake && !hasTrue) plantedWins++;
    }
    assert.ok(flagged >= 6, `flagged ${flagged}/20`);
    assert.ok(plantedWins <= 2, `planted value won ${plantedWins}/20`);
  });
});
