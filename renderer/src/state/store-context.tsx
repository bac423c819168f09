/** Hands the one admin store to every component (a context, so tests can give their own). */
import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AdminState, AdminStore } from './admin-store';

const StoreContext = createContext<AdminStore | null>(null);

export function AdminStoreProvider(props: { store: AdminStore; children: ReactNode }) {
  return <StoreContext.Provider value={props.store}>{props.children}</StoreContext.Provider>;
}

export function useAdminStore(): AdminStore {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useAdminStore outside <AdminStoreProvider>');
  return store;
}

export function useAdmin<T>(selector: (state: AdminState) => T): T {
  return useStore(useAdminStore(), selector);
}
