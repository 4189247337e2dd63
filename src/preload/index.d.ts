import type { PreloadBridge } from '../shared/api/contract';

declare global {
  interface Window {
    /** Present only inside the Electron app; host mode talks over a WebSocket instead. */
    readonly marketboss?: PreloadBridge;
  }
}
