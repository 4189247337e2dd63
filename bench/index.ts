// `npm run bench`: runs every registered bench module in this one process and writes all figures to
// bench-results.json (git-ignored) so runs can be compared. Add a module by appending it to BENCHES.
import { writeFileSync } from 'node:fs';
import { dataBench } from './data';
import { engineBench } from './engine';
import { ledgerBench } from './ledger';
import { mlBench } from './ml';
import { optionsBench } from './options';
import { BenchCheckFailed, type BenchFigures, type BenchModule } from './registry';
import { researchBench } from './research';
import { uiBench } from './ui';

const BENCHES: readonly BenchModule[] = [
  engineBench,
  ledgerBench,
  uiBench,
  dataBench,
  researchBench,
  mlBench,
  optionsBench,
];

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const results: Record<string, BenchFigures> = {};
  let failed = false;
  for (const bench of BENCHES) {
    if (only.length > 0 && !only.includes(bench.name)) continue;
    console.log(`\n== ${bench.name} ==`);
    try {
      Object.assign(results, await bench.run());
    } catch (error) {
      if (!(error instanceof BenchCheckFailed)) throw error;
      console.error(`FAILED: ${error.message}`);
      results[`${bench.name}.failure`] = { message: error.message };
      failed = true;
    }
  }
  writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nfigures written to bench-results.json');
  return failed ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
