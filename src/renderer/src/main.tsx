import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { createApiClient } from './api/client';
import { ApiContext } from './api/context';
import { connectAppStore } from './stores/app-store';
import { connectBacktestStore } from './stores/backtest-store';
import { connectSessionStore } from './stores/session-store';
import { connectWorkspace } from './stores/workspace-store';
import './styles.css';

// zod's JIT probe uses new Function, which the CSP forbids; interpret instead.
z.config({ jitless: true });

const api = createApiClient();
connectAppStore(api);
connectBacktestStore(api);
connectSessionStore(api);
connectWorkspace(api);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
