// Takes a data folder's lock and holds it until killed: the other process in the data-folder lock tests.
import { lockDataDir } from '../../../src/main/store/data-dir-lock';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: lock-holder-child <data-dir>');
lockDataDir(dataDir);
process.stdout.write(`locked ${process.pid}\n`);
setInterval(() => undefined, 60_000);
