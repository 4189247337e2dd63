// ML signals over the API: each call mapped to the model service.
import type { ModelService } from '../research/model-service';
import type { HandlerTable } from './dispatcher';

type MlCalls = 'ml:train' | 'ml:cancel' | 'ml:import' | 'ml:list' | 'ml:get' | 'ml:delete' | 'ml:predictions';

export function mlHandlers(models: ModelService): Pick<HandlerTable, MlCalls> {
  return {
    'ml:train': ({ request }) => models.train(request),
    'ml:cancel': ({ id }) => models.cancel(id),
    'ml:import': (request) => models.import(request),
    'ml:list': () => models.list(),
    'ml:get': ({ id }) => models.get(id),
    'ml:delete': ({ id }) => models.delete(id),
    'ml:predictions': (query) => models.predictions(query),
  };
}
