// The research lab over the API: each call mapped to the research service.
import type { ResearchService } from '../research/research-service';
import type { HandlerTable } from './dispatcher';

type ResearchCalls =
  | 'research:run'
  | 'research:cancel'
  | 'research:list'
  | 'research:get'
  | 'research:delete';

export function researchHandlers(research: ResearchService): Pick<HandlerTable, ResearchCalls> {
  return {
    'research:run': ({ request }) => research.run(request),
    'research:cancel': ({ id }) => research.cancel(id),
    'research:list': () => research.list(),
    'research:get': ({ id }) => research.get(id),
    'research:delete': ({ id }) => research.delete(id),
  };
}
