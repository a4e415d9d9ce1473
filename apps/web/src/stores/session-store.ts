import { createStore } from 'zustand/vanilla';

/** The developer API key: from the server-printed `#key=…` link, a paste, or localStorage. */
export interface SessionState {
  apiKey: string;
  /** The server answered 401 to the current key (or to no key). */
  rejected: boolean;
  setApiKey(key: string): void;
  markRejected(): void;
}

export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SessionDeps {
  storage: KeyStorage;
  /** `location.hash`, e.g. "#key=abc". */
  hash: string;
  /** Drops the key from the address bar so it is not bookmarked or shared by accident. */
  clearHash: () => void;
}

export const API_KEY_STORAGE_KEY = 'tabgrid.apiKey';

export function keyFromHash(hash: string): string | undefined {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get('key')?.trim();
  return key === undefined || key === '' ? undefined : key;
}

export function createSessionStore(deps: SessionDeps) {
  const fromHash = keyFromHash(deps.hash);
  if (fromHash !== undefined) {
    deps.storage.setItem(API_KEY_STORAGE_KEY, fromHash);
    deps.clearHash();
  }
  const initial = fromHash ?? deps.storage.getItem(API_KEY_STORAGE_KEY) ?? '';

  return createStore<SessionState>()((set) => ({
    apiKey: initial,
    rejected: false,
    setApiKey(key) {
      const trimmed = key.trim();
      if (trimmed === '') deps.storage.removeItem(API_KEY_STORAGE_KEY);
      else deps.storage.setItem(API_KEY_STORAGE_KEY, trimmed);
      set({ apiKey: trimmed, rejected: false });
    },
    markRejected() {
      set({ rejected: true });
    },
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;
