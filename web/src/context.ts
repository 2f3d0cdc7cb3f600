/**
 * What every screen is handed: the API client, the shared collection list and
 * selection, the document viewer and a way to report status. Created once in
 * main.ts and passed down explicitly.
 */
import type { ApiClient } from './api.js';
import type { CollectionInfo } from './types.js';

export interface PassageTarget {
  documentId: string;
  start: number;
  end: number;
  /** 1-based page when the server knows it (PDFs). */
  page?: number;
  /** Shown above the text, e.g. "Citation [2]" or "Search result 3". */
  label: string;
  title?: string;
}

export interface DocumentViewer {
  open(target: PassageTarget): Promise<void>;
  close(): void;
}

export interface CollectionsModel {
  list(): CollectionInfo[];
  refresh(): Promise<CollectionInfo[]>;
  /** '' means every collection the key can see. */
  selected(): string;
  select(name: string): void;
  subscribe(listener: () => void): () => void;
}

export interface AppContext {
  api: ApiClient;
  collections: CollectionsModel;
  viewer: DocumentViewer;
  notify(message: string, kind?: 'info' | 'error'): void;
  apiKey: { get(): string | null; set(key: string | null): void };
}

export function createCollectionsModel(api: ApiClient, storage: Storage, onError: (error: unknown) => void): CollectionsModel {
  const listeners = new Set<() => void>();
  let collections: CollectionInfo[] = [];
  let selected = storage.getItem('tailor.collection') ?? '';
  const emit = () => listeners.forEach((listener) => listener());

  return {
    list: () => collections,
    async refresh() {
      try {
        collections = await api.collections();
      } catch (error) {
        onError(error);
      }
      if (selected && !collections.some((c) => c.name === selected)) selected = '';
      emit();
      return collections;
    },
    selected: () => selected,
    select(name) {
      selected = name;
      storage.setItem('tailor.collection', name);
      emit();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
