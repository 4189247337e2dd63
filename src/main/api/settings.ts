import type { SettingsRepo } from '../store/settings-repo';
import type { HandlerTable } from './dispatcher';

export function settingsHandlers(repo: SettingsRepo): Pick<HandlerTable, 'settings:get' | 'settings:set'> {
  return {
    'settings:get': () => repo.get(),
    'settings:set': ({ patch }) => repo.set(patch),
  };
}
