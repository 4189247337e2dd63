// `npm run build`: the app (electron-vite: main, preload, renderer) and the command-line backtester bundle.
import { build } from './lib.mjs';

process.exit(await build());
