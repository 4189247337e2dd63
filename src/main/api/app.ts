import type { AppInfo } from '../../shared/api/contract';
import type { HandlerTable } from './dispatcher';

export interface AppFacts extends Omit<AppInfo, 'node' | 'platform'> {}

export function appHandlers(facts: AppFacts): Pick<HandlerTable, 'app:info'> {
  return {
    'app:info': () => ({ ...facts, node: process.versions.node, platform: process.platform }),
  };
}
