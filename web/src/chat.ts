/** The chat screen: ask a collection, watch the answer stream in, follow its citations. */
import { renderAnswer, renderAnswerText, citationTarget } from './answer-view.js';
import { createCollectionPicker } from './collection-picker.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { renderWhyPanel } from './why-panel.js';

export function createChatScreen(ctx: AppContext): HTMLElement {
  const transcript = h('ol', { class: 'transcript', 'aria-label': 'Conversation' });
  const empty = h('p', { class: 'muted empty-chat' }, 'Ask a question about your documents. Answers cite their sources as [n]: click one to see the passage.');
  const question = h('textarea', { id: 'question', name: 'question', rows: 2, required: true, placeholder: 'Ask a question…', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Ask');
  const stop = h('button', { type: 'button', hidden: true }, 'Stop');
  let controller: AbortController | undefined;

  question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  stop.addEventListener('click', () => controller?.abort());

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
    void ask(text);
  });

  async function ask(text: string): Promise<void> {
    empty.remove();
    const answerBox = h('div', { class: 'answer streaming', 'aria-busy': 'true' });
    const streamed = h('div', { class: 'answer-text' });
    answerBox.append(streamed, h('span', { class: 'typing', 'aria-hidden': 'true' }));
    const turn = h('li', { class: 'turn' }, h('div', { class: 'question' }, h('span', { class: 'visually-hidden' }, 'You asked: '), text), answerBox);
    transcript.append(turn);
    turn.scrollIntoView({ block: 'end' });

    controller = new AbortController();
    submit.disabled = true;
    stop.hidden = false;
    let partial = '';
    try {
      const collection = ctx.collections.selected();
      const answer = await ctx.api.ask(
        { question: text, collections: collection ? [collection] : undefined },
        (delta) => {
          partial += delta;
          streamed.replaceChildren(...renderAnswerText(partial, [], () => undefined));
        },
        controller.signal,
      );
      const final = renderAnswer(answer, (citation) => void ctx.viewer.open(citationTarget(citation)));
      final.append(renderWhyPanel(answer, (target) => void ctx.viewer.open(target)));
      answerBox.replaceWith(final);
      final.scrollIntoView({ block: 'nearest' });
    } catch (error) {
      const aborted = error instanceof DOMException && error.name === 'AbortError';
      answerBox.removeAttribute('aria-busy');
      answerBox.classList.remove('streaming');
      answerBox.querySelector('.typing')?.remove();
      answerBox.append(h('p', { class: aborted ? 'muted' : 'error', role: aborted ? null : 'alert' }, aborted ? 'Stopped.' : error instanceof Error ? error.message : String(error)));
    } finally {
      controller = undefined;
      submit.disabled = false;
      stop.hidden = true;
      question.focus();
    }
  }

  return h(
    'section',
    { class: 'screen chat', 'aria-labelledby': 'chat-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'chat-title' }, 'Chat'), createCollectionPicker(ctx.collections, { id: 'chat-collection', allowAll: true })),
    h('div', { class: 'transcript-wrap', 'aria-live': 'polite' }, empty, transcript),
    form,
  );
}
