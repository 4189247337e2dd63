// A research worker that dies (exits its thread) on the job keyed 'crash' and runs every other job as the real one
// does: the local executor's crash handling is tested against it.
import runResearchTask, { type ResearchTask } from '../../src/main/research/research-worker';

export default function crashOnKey(task: ResearchTask) {
  if (task.job.key === 'crash') process.exit(3);
  return runResearchTask(task);
}
