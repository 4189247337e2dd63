import { createContext, useContext } from 'react';
import type { ConnectedClient } from './client';

export const ApiContext = createContext<ConnectedClient | null>(null);

export function useApi(): ConnectedClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
