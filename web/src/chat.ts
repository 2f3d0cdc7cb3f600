/**
 * The chat screen: threads kept across reloads, answers streamed with citations, follow-ups sent with the
 * conversation, and a side-by-side mode that asks one question of several model arms at once.
 */
import { renderAnswer, renderAnswerText, citationTarget } from './answer-view.js';
import { createCollectionPicker } from './collection-picker.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { renderWhyPanel } from './why-panel.js';
import { createThreadStore, historyOf, type Thread, type Turn } from './threads.js';
import { createSideBySide } from './side-by-side.js';

export function createChatScreen(ctx: AppContext, storage: Storage = window.localStorage): HTMLElement {
  const threads = createThreadStore(storage);
  let thread: Thread = threads.active();

  const transcript = h('ol', { class: 'transcript', 'aria-label': 'Conversation' });
  const empty = h('p', { class: 'muted empty-chat' }, 'Ask a question about your documents. Answers cite their sources as [n]: click one to see the passage. Follow-up questions use the conversation.');
  const question = h('textarea', { id: 'question', name: 'question', rows: 2, required: true, placeholder: 'Ask a question…', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Ask');
  const stop = h('button', { type: 'button', hidden: true }, 'Stop');
  const threadList = h('ul', { class: 'thread-list' });
  const sideBySide = createSideBySide(ctx);
  const modeToggle = h('input', { type: 'checkbox', id: 'side-by-side-toggle' });
  let controller: AbortController | undefined;

  question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  stop.addEventListener('click', () => controller?.abort());
  modeToggle.addEventListener('change', () => {
    sideBySide.element.hidden = !modeToggle.checked;
    if (modeToggle.checked) void sideBySide.load();
  });

  const form = h(
    'form',
    { class: 'ask-form', 'aria-label': 'Ask a question' },
    h('label', { for: 'question', class: 'visually-hidden' }, 'Question'),
    question,
    h('div', { class: 'ask-actions' }, stop, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (!text || controller) return;
    question.value = '';
    if (modeToggle.checked) void compare(text);
    else void ask(text);
  });

  function renderThreads(): void {
    threadList.replaceChildren(
      ...threads.list().map((t) =>
        h(
          'li',
          { class: t.id === thread.id ? 'thread active' : 'thread' },
          h('button', { type: 'button', class: 'thread-open', 'aria-current': t.id === thread.id ? 'true' : null, onclick: () => open(t) }, t.title || 'New conversation'),
          h('button', { type: 'button', class: 'thread-delete icon-button', 'aria-label': `Delete conversation “${t.title}”`, title: 'Delete conversation', onclick: () => remove(t) }, '×'),
        ),
      ),
    );
  }

  function open(t: Thread): void {
    if (controller) return;
    thread = t;
    threads.select(t.id);
    transcript.replaceChildren(...t.turns.map(renderStoredTurn));
    empty.hidden = t.turns.length > 0;
    renderThreads();
  }

  function remove(t: Thread): void {
    if (controller) return;
    threads.remove(t.id);
    open(t.id === thread.id ? threads.active() : thread);
  }

  function renderStoredTurn(turn: Turn): HTMLElement {
    const body = turn.answer ? renderFinal(turn.answer) : h('p', { class: 'error' }, turn.error ?? 'No answer.');
    return h('li', { class: 'turn' }, questionLine(turn.question), body);
  }

  function questionLine(text: string): HTMLElement {
    return h('div', { class: 'question' }, h('span', { class: 'visually-hidden' }, 'You asked: '), text);
  }

  function renderFinal(answer: NonNullable<Turn['answer']>): HTMLElement {
    const final = renderAnswer(answer, (citation) => void ctx.viewer.open(citationTarget(citation)));
    final.append(renderWhyPanel(answer, (target) => void ctx.viewer.open(target)));
    return final;
  }

  async function ask(text: string): Promise<void> {
    empty.hidden = true;
    const answerBox = h('div', { class: 'answer streaming', 'aria-busy': 'true' });
    const streamed = h('div', { class: 'answer-text' });
    answerBox.append(streamed, h('span', { class: 'typing', 'aria-hidden': 'true' }));
    const turn = h('li', { class: 'turn' }, questionLine(text), answerBox);
    transcript.append(turn);
    turn.scrollIntoView({ block: 'end' });

    controller = new AbortController();
    submit.disabled = true;
    stop.hidden = false;
    let partial = '';
    const asked = thread;
    const history = historyOf(asked);
    try {
      const collection = ctx.collections.selected();
      const answer = await ctx.api.ask(
        { question: text, collections: collection ? [collection] : undefined, history: history.length > 0 ? history : undefined },
        (delta) => {
          partial += delta;
          streamed.replaceChildren(...renderAnswerText(partial, [], () => undefined));
        },
        controller.signal,
      );
      const final = renderFinal(answer);
      answerBox.replaceWith(final);
      final.scrollIntoView({ block: 'nearest' });
      asked.turns.push({ question: text, answer });
    } catch (error) {
      const aborted = error instanceof DOMException && error.name === 'AbortError';
      const message = aborted ? 'Stopped.' : error instanceof Error ? error.message : String(error);
      answerBox.removeAttribute('aria-busy');
      answerBox.classList.remove('streaming');
      answerBox.querySelector('.typing')?.remove();
      answerBox.append(h('p', { class: aborted ? 'muted' : 'error', role: aborted ? null : 'alert' }, message));
      asked.turns.push({ question: text, error: message });
    } finally {
      threads.save(asked);
      renderThreads();
      controller = undefined;
      submit.disabled = false;
      stop.hidden = true;
      question.focus();
    }
  }

  async function compare(text: string): Promise<void> {
    empty.hidden = true;
    controller = new AbortController();
    submit.disabled = true;
    stop.hidden = false;
    const turn = h('li', { class: 'turn compare-turn' }, questionLine(text));
    transcript.append(turn);
    try {
      turn.append(await sideBySide.ask(text, historyOf(thread), controller.signal));
    } finally {
      controller = undefined;
      submit.disabled = false;
      stop.hidden = true;
      question.focus();
    }
  }

  const newThread = h('button', { type: 'button', class: 'new-thread', onclick: () => open(threads.create()) }, 'New conversation');
  open(thread);

  return h(
    'section',
    { class: 'screen chat', 'aria-labelledby': 'chat-title' },
    h(
      'div',
      { class: 'screen-header' },
      h('h1', { id: 'chat-title' }, 'Chat'),
      createCollectionPicker(ctx.collections, { id: 'chat-collection', allowAll: true }),
      h('div', { class: 'field field-inline' }, modeToggle, h('label', { for: 'side-by-side-toggle' }, 'Side by side')),
    ),
    h('nav', { class: 'threads', 'aria-label': 'Conversations' }, newThread, threadList),
    sideBySide.element,
    h('div', { class: 'transcript-wrap', 'aria-live': 'polite' }, empty, transcript),
    form,
  );
}
