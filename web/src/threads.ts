/** Chat threads kept in this browser (localStorage), so a conversation survives a reload. */
import type { AnswerWithTrace, ChatMessage } from './types.js';

export interface Turn {
  question: string;
  answer?: AnswerWithTrace;
  error?: string;
}

export interface Thread {
  id: string;
  title: string;
  createdAt: string;
  turns: Turn[];
}

const STORAGE = 'tailor.threads';
const ACTIVE = 'tailor.activeThread';
/** Enough to find past conversations without filling the browser's storage with traces. */
const MAX_THREADS = 30;

export interface ThreadStore {
  list(): Thread[];
  active(): Thread;
  select(id: string): void;
  create(): Thread;
  remove(id: string): void;
  save(thread: Thread): void;
}

/** The part of the Web Storage API the store uses (localStorage in the browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function createThreadStore(storage: KeyValueStorage): ThreadStore {
  let threads: Thread[] = read();

  function read(): Thread[] {
    try {
      const parsed = JSON.parse(storage.getItem(STORAGE) ?? '[]') as Thread[];
      return Array.isArray(parsed) ? parsed.filter((t) => t && typeof t.id === 'string' && Array.isArray(t.turns)) : [];
    } catch {
      return [];
    }
  }
  function write(): void {
    threads = threads.slice(0, MAX_THREADS);
    for (;;) {
      try {
        storage.setItem(STORAGE, JSON.stringify(threads));
        return;
      } catch {
        // Storage full: older threads first lose their traces (History still has them), then whole threads go.
        if (!trimTraces(threads.slice(1))) {
          if (threads.length > 1) threads.pop();
          else return;
        }
      }
    }
  }
  function fresh(): Thread {
    return { id: 'th_' + Math.random().toString(36).slice(2, 10) + Date.now().toString(36), title: 'New conversation', createdAt: new Date().toISOString(), turns: [] };
  }

  const store: ThreadStore = {
    list: () => threads,
    active() {
      const id = storage.getItem(ACTIVE);
      const found = threads.find((t) => t.id === id) ?? threads[0];
      return found ?? store.create();
    },
    select: (id) => storage.setItem(ACTIVE, id),
    create() {
      const thread = fresh();
      threads.unshift(thread);
      write();
      storage.setItem(ACTIVE, thread.id);
      return thread;
    },
    remove(id) {
      threads = threads.filter((t) => t.id !== id);
      write();
      if (storage.getItem(ACTIVE) === id) storage.removeItem(ACTIVE);
    },
    save(thread) {
      if (thread.turns.length > 0 && thread.title === 'New conversation') thread.title = thread.turns[0].question.slice(0, 60);
      threads = [thread, ...threads.filter((t) => t.id !== thread.id)];
      write();
    },
  };
  return store;
}

const TRIMMED = 'The trace was trimmed to fit this browser\'s storage; History has the full one.';

/** Empties the retrieved passages and prompt of these threads' answers; false when there was nothing to trim. */
function trimTraces(threads: Thread[]): boolean {
  let trimmed = false;
  for (const turn of threads.flatMap((t) => t.turns)) {
    const trace = turn.answer?.trace;
    if (!trace || (trace.retrieved.length === 0 && trace.prompt.length === 0)) continue;
    turn.answer = { ...turn.answer!, trace: { ...trace, retrieved: [], prompt: [], warnings: [...trace.warnings, TRIMMED] } };
    trimmed = true;
  }
  return trimmed;
}

/** The conversation so far, as messages a follow-up is resolved against. */
export function historyOf(thread: Thread): Array<ChatMessage & { role: 'user' | 'assistant' }> {
  return thread.turns.flatMap((turn) => (turn.answer ? [{ role: 'user' as const, content: turn.question }, { role: 'assistant' as const, content: turn.answer.text }] : []));
}
