// The app log over the API: the viewer's pages and its export.
import { logEventsFile } from '../../shared/domain/events';
import type { AppLogReader } from '../log/log-reader';
import type { HandlerTable } from './dispatcher';

export function appLogHandlers(appLog: AppLogReader): Pick<HandlerTable, 'app:log' | 'app:log-export'> {
  return {
    'app:log': (query) => appLog(query),
    'app:log-export': ({ format, ...filters }) => {
      const { events } = appLog({ ...filters, limit: Number.POSITIVE_INFINITY });
      const day = new Date().toISOString().slice(0, 10);
      return {
        fileName: `marketboss-log-${day}.${format}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        content: logEventsFile(events, format),
      };
    },
  };
}
