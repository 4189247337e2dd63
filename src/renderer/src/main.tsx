import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { createApiClient } from './api/client';
import { AppStoresProvider } from './stores/context';
import { connectAppStores, createAppStores } from './stores/index';
import './styles.css';

// zod's JIT probe uses new Function, which the CSP forbids; interpret instead.
z.config({ jitless: true });

const stores = createAppStores(createApiClient());
connectAppStores(stores);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppStoresProvider stores={stores}>
      <App />
    </AppStoresProvider>
  </StrictMode>,
);
