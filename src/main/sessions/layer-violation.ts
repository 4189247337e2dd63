// Throwaway: a session module reaching up into the API; lint must refuse it.
import type { PushBus } from '../api/push-bus';

export type Violation = PushBus;
