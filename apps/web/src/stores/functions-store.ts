import { createStore } from 'zustand/vanilla';
import type { FunctionInfo, UploadedFunction } from '@tabgrid/protocol';
import { describeError, type Api } from './api';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface UploadState {
  phase: 'idle' | 'uploading' | 'done' | 'error';
  message: string | null;
}

export interface FunctionsState {
  functions: FunctionInfo[];
  status: LoadStatus;
  error: string | null;
  upload: UploadState;
  refresh(): Promise<void>;
  uploadFunction(file: Blob, name: string, version: string): Promise<UploadedFunction | undefined>;
}

export function createFunctionsStore(api: Api) {
  return createStore<FunctionsState>()((set, get) => ({
    functions: [],
    status: 'idle',
    error: null,
    upload: { phase: 'idle', message: null },

    async refresh() {
      set({ status: 'loading' });
      try {
        const functions = await api.call((c) => c.listFunctions());
        // Newest first: that is what a developer just uploaded and wants to invoke.
        functions.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
        set({ functions, status: 'ready', error: null });
      } catch (e) {
        set({ status: 'error', error: describeError(e) });
      }
    },

    async uploadFunction(file, name, version) {
      if (name.trim() === '' || version.trim() === '') {
        set({ upload: { phase: 'error', message: 'Name and version are required.' } });
        return undefined;
      }
      set({ upload: { phase: 'uploading', message: null } });
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const uploaded = await api.call((c) => c.uploadFunction(name.trim(), version.trim(), bytes));
        set({ upload: { phase: 'done', message: `Uploaded ${uploaded.name}@${uploaded.version}.` } });
        await get().refresh();
        return uploaded;
      } catch (e) {
        set({ upload: { phase: 'error', message: describeError(e) } });
        return undefined;
      }
    },
  }));
}

export type FunctionsStore = ReturnType<typeof createFunctionsStore>;
