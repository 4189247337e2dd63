// The symbol directory against the real SDK and the fake Alpaca, on a real SQLite file, with an injected clock.
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { RequestBudget } from '../../../src/main/adapters/alpaca/request-budget';
import { createMemoryLogger } from '../../../src/main/log/logger';
import {
  type AlpacaAccess,
  ASSETS_MAX_AGE_MS,
  createSymbolDirectory,
} from '../../../src/main/sessions/symbol-directory';
import { openDatabase } from '../../../src/main/store/database';
import { createSymbolRepo } from '../../../src/main/store/symbol-repo';
import { startFake } from '../alpaca/fake-alpaca-helpers';
import { tempFolder } from '../store/store-helpers';

let fake: FakeAlpaca;
beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});

/** An SDK client on the fake that counts the asset-list requests it sends. */
function countingAccess(): { access: AlpacaAccess; assetLists: () => number } {
  let lists = 0;
  const fetchApi = fake.fetchApi;
  const alpaca = new Alpaca({
    keyId: fake.keys.paper.keyId,
    secret: fake.keys.paper.secret,
    paper: true,
    rateLimit: false,
    fetchApi: (url, init) => {
      if (new URL(url).pathname === '/v2/assets') lists++;
      return fetchApi(url, init);
    },
  });
  return { access: { alpaca, budget: new RequestBudget() }, assetLists: () => lists };
}

describe('symbol directory', () => {
  test('Alpaca assets are fetched once, cached in SQLite, searched locally, and fetched again after a day', async () => {
    const folder = tempFolder();
    const db = openDatabase(folder.file());
    let clock = Date.UTC(2025, 2, 5, 15);
    const { access, assetLists } = countingAccess();
    const directory = createSymbolDirectory({
      repo: createSymbolRepo(db),
      alpaca: async () => access,
      log: createMemoryLogger(),
      now: () => clock,
    });
    try {
      // Arrange/act: the first search fills the cache.
      const first = await directory.search('apple', 10);
      expect(assetLists()).toBe(1);
      expect(first.alpaca).toMatchObject({ state: 'cached', refreshedAt: clock });
      expect(first.symbols[0]).toMatchObject({
        symbol: 'AAPL',
        name: 'Apple Inc. Common Stock',
        source: 'alpaca',
        tradable: true,
        shortable: true,
        fractionable: true,
      });
      const cachedCount = first.alpaca.count;
      expect(cachedCount).toBeGreaterThan(5);

      // Later searches the same day are answered from the cache; the hints come from Alpaca's flags.
      clock += ASSETS_MAX_AGE_MS - 1;
      const nosh = await directory.search('NOSH', 5);
      expect(nosh.symbols[0]).toMatchObject({ symbol: 'NOSH', tradable: true, shortable: false });
      const otcq = await directory.search('otc quiet', 5);
      expect(otcq.symbols[0]).toMatchObject({ symbol: 'OTCQ', tradable: false, fractionable: false });
      // The synthetic market's own list is searched too, by ticker and name.
      const synthetic = await directory.search('bolt', 5);
      expect(synthetic.symbols[0]).toMatchObject({ symbol: 'BOLT', source: 'synthetic' });
      expect((await directory.search('ember', 5)).symbols[0]).toMatchObject({ symbol: 'EMBR' });
      expect(assetLists()).toBe(1);

      // A new directory on the same file (the next start) searches the stored list without fetching.
      const restarted = createSymbolDirectory({
        repo: createSymbolRepo(db),
        alpaca: async () => access,
        log: createMemoryLogger(),
        now: () => clock,
      });
      expect((await restarted.search('msft', 5)).symbols[0]).toMatchObject({ symbol: 'MSFT' });
      expect(assetLists()).toBe(1);

      // A day after the fetch, the next search refreshes the list once.
      clock += 1;
      const nextDay = await directory.search('aapl', 5);
      expect(assetLists()).toBe(2);
      expect(nextDay.alpaca).toMatchObject({ state: 'cached', refreshedAt: clock, count: cachedCount });
      await directory.search('aapl', 5);
      expect(assetLists()).toBe(2);

      // Refresh on demand fetches whatever the age.
      await directory.refresh();
      expect(assetLists()).toBe(3);
    } finally {
      await directory.close();
      db.close();
      folder.remove();
    }
  });

  test('without keys only the synthetic list is searched and nothing is fetched', async () => {
    const folder = tempFolder();
    const db = openDatabase(folder.file());
    const directory = createSymbolDirectory({
      repo: createSymbolRepo(db),
      alpaca: async () => null,
      log: createMemoryLogger(),
    });
    try {
      const result = await directory.search('a', 20);
      expect(result.alpaca.state).toBe('no-keys');
      expect(result.symbols.map((s) => s.symbol)).toEqual(['ACME']);
      await expect(directory.watch('alpaca', 'AAPL')).rejects.toThrow(/save Alpaca paper keys/);
      await expect(directory.watch('synthetic', 'ZZZZ')).rejects.toThrow(/not in the synthetic market/);
    } finally {
      await directory.close();
      db.close();
      folder.remove();
    }
  });

  test('the watchlist persists across restarts, in the order the trader set; prices come from the live feeds', async () => {
    const folder = tempFolder();
    const { access } = countingAccess();
    const open = () => {
      const db = openDatabase(folder.file());
      return {
        db,
        directory: createSymbolDirectory({
          repo: createSymbolRepo(db),
          alpaca: async () => access,
          log: createMemoryLogger(),
          // Fast enough to see a new bar within the test.
          syntheticSpeed: 6_000,
          // This machine's clock, a year after the fake's: bars are still asked for in Alpaca's days.
        }),
      };
    };
    let { db, directory } = open();
    try {
      await directory.search('aapl', 1);
      await directory.watch('synthetic', 'BOLT');
      await directory.watch('alpaca', 'AAPL');
      await directory.watch('synthetic', 'ACME');
      await directory.watch('synthetic', 'BOLT'); // twice: still once
      await directory.unwatch('synthetic', 'ACME');
      await directory.watch('synthetic', 'CRUX');
      const list = await directory.reorder([
        { source: 'synthetic', symbol: 'CRUX' },
        { source: 'synthetic', symbol: 'BOLT' },
      ]);
      expect(list.map((w) => w.symbol)).toEqual(['CRUX', 'BOLT', 'AAPL']);

      // Synthetic: priced from the synthetic market's feed, with a previous close after the warm-up's two sessions.
      const bolt = list.find((w) => w.symbol === 'BOLT')!;
      expect(bolt.last).toBeGreaterThan(0);
      expect(bolt.change).not.toBeNull();
      expect(bolt.changePct).toBeCloseTo((bolt.change! / (bolt.last! - bolt.change!)) * 100, 9);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const later = (await directory.watchlist()).find((w) => w.symbol === 'BOLT')!;
      expect(later.time).toBeGreaterThan(bolt.time!);

      // Alpaca: priced from its daily bars.
      const aapl = list.find((w) => w.symbol === 'AAPL')!;
      expect(aapl).toMatchObject({ name: 'Apple Inc. Common Stock', problem: null });
      expect(aapl.last).toBeGreaterThan(0);
      expect(aapl.change).not.toBeNull();

      await directory.close();
      db.close();
      ({ db, directory } = open());
      expect((await directory.watchlist()).map((w) => `${w.source}:${w.symbol}`)).toEqual([
        'synthetic:CRUX',
        'synthetic:BOLT',
        'alpaca:AAPL',
      ]);
    } finally {
      await directory.close();
      db.close();
      folder.remove();
    }
  });
});
