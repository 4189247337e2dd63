// Symbol search and the watchlist over the API (one thin map onto the symbol directory).
import type { SymbolDirectory } from '../sessions/symbol-directory';
import type { HandlerTable } from './dispatcher';

export function symbolHandlers(
  directory: SymbolDirectory,
): Pick<
  HandlerTable,
  | 'symbols:search'
  | 'symbols:refresh'
  | 'watchlist:get'
  | 'watchlist:add'
  | 'watchlist:remove'
  | 'watchlist:reorder'
> {
  return {
    'symbols:search': ({ query, limit, source }) => directory.search(query, limit, source),
    'symbols:refresh': () => directory.refresh(),
    'watchlist:get': () => directory.watchlist(),
    'watchlist:add': ({ source, symbol }) => directory.watch(source, symbol),
    'watchlist:remove': ({ source, symbol }) => directory.unwatch(source, symbol),
    'watchlist:reorder': ({ order }) => directory.reorder(order),
  };
}
