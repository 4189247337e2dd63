// Models: the registry's list, trainings under way (progress from 'ml-progress' pushes, cancel), the model being looked
// at and the one it is compared with, XGBoost imports, and a model's predictions over a backtest run's bars.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { FieldProblem } from '../../../shared/api/field-errors';
import type {
  FeatureSetInput,
  ModelDetail,
  ModelSummary,
  TrainingProgress,
  TrainRequestInput,
} from '../../../shared/domain/ml';
import type { ConnectedClient } from '../api/client';

export interface ModelsState {
  models: readonly ModelSummary[];
  /** The latest progress of each training run, by model id (the list row and the detail's bar read it). */
  progress: Readonly<Record<string, TrainingProgress>>;
  selectedId: string | null;
  detail: ModelDetail | null;
  compareId: string | null;
  compareDetail: ModelDetail | null;
  /** The last refusal of a training request, in words, and the fields it named. */
  trainError: string | null;
  trainFields: readonly FieldProblem[];
  importError: string | null;
  error: string | null;
  load(): Promise<void>;
  train(request: TrainRequestInput): Promise<string | null>;
  clearTrainError(): void;
  cancel(id: string): Promise<void>;
  select(id: string | null): Promise<void>;
  compareWith(id: string | null): Promise<void>;
  remove(id: string): Promise<void>;
  importXgboost(name: string, json: string, featureSet?: FeatureSetInput): Promise<string | null>;
}

export type ModelsStore = UseBoundStore<StoreApi<ModelsState>> & {
  /** Progress pushes move the training's bar; a finished training refreshes the list and, if open, the model. */
  connect(): () => void;
};

const FINISHED: readonly TrainingProgress['stage'][] = ['done', 'failed', 'canceled'];
export const isFinished = (progress: TrainingProgress): boolean => FINISHED.includes(progress.stage);

export function createModelsStore(api: ConnectedClient): ModelsStore {
  const store = create<ModelsState>((set, get) => ({
    models: [],
    progress: {},
    selectedId: null,
    detail: null,
    compareId: null,
    compareDetail: null,
    trainError: null,
    trainFields: [],
    importError: null,
    error: null,
    async load() {
      const models = await api.call('ml:list', {});
      if (!models.ok) return set({ error: models.error.message });
      set({ models: models.value, error: null });
    },
    async train(request) {
      const result = await api.call('ml:train', { request });
      if (!result.ok) {
        set({ trainError: result.error.message, trainFields: result.error.fields ?? [] });
        return null;
      }
      set({ trainError: null, trainFields: [] });
      await refreshModels();
      await get().select(result.value.id);
      return result.value.id;
    },
    clearTrainError() {
      if (get().trainError !== null) set({ trainError: null, trainFields: [] });
    },
    async cancel(id) {
      const result = await api.call('ml:cancel', { id });
      if (!result.ok) set({ error: result.error.message });
    },
    async select(id) {
      if (id === null) return set({ selectedId: null, detail: null, compareId: null, compareDetail: null });
      if (get().compareId === id) set({ compareId: null, compareDetail: null });
      set({ selectedId: id });
      const detail = await api.call('ml:get', { id });
      if (get().selectedId !== id) return; // the user moved on meanwhile
      if (!detail.ok) return set({ error: detail.error.message, detail: null });
      set({ detail: detail.value, error: null });
    },
    async compareWith(id) {
      if (id === null || id === get().selectedId) return set({ compareId: null, compareDetail: null });
      set({ compareId: id });
      const detail = await api.call('ml:get', { id });
      if (get().compareId !== id) return;
      if (!detail.ok) return set({ error: detail.error.message, compareDetail: null });
      set({ compareDetail: detail.value, error: null });
    },
    async remove(id) {
      const result = await api.call('ml:delete', { id });
      if (!result.ok) return set({ error: result.error.message });
      if (get().selectedId === id) await get().select(null);
      if (get().compareId === id) await get().compareWith(null);
      await refreshModels();
    },
    async importXgboost(name, json, featureSet) {
      const result = await api.call('ml:import', { name, json, ...(featureSet && { featureSet }) });
      if (!result.ok) {
        set({ importError: result.error.message });
        return null;
      }
      set({ importError: null });
      await refreshModels();
      await get().select(result.value.id);
      return result.value.id;
    },
  }));

  async function refreshModels(): Promise<void> {
    const models = await api.call('ml:list', {});
    if (models.ok) store.setState({ models: models.value });
  }

  const connect = (): (() => void) =>
    api.subscribe('ml-progress', (batch) => {
      const progress = { ...store.getState().progress };
      for (const update of batch) progress[update.trainingId] = update;
      store.setState({ progress });
      const known = new Set(store.getState().models.map((m) => m.id));
      // A training this window has not listed yet (started elsewhere, or before the list came back) joins the list.
      if (batch.some((u) => !known.has(u.trainingId) && !isFinished(u))) void refreshModels();
      const ended = batch.filter((u) => isFinished(u));
      if (ended.length === 0) return;
      // The list row takes its final status, trees and AUC from the registry; an open model shows its results.
      void refreshModels();
      const { selectedId, select } = store.getState();
      if (selectedId !== null && ended.some((u) => u.trainingId === selectedId)) void select(selectedId);
    });

  return Object.assign(store, { connect });
}
