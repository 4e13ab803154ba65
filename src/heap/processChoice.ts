// Which process of a container step 3 looks at: the runtime's processes, the biggest first; with
// several, the user's pick (a gunicorn or cluster-mode worker), none of them: a message that lists
// what does run there.
import { CaptureError } from './captureError.ts';
import { candidates, describeProcess, type ContainerProcess } from './processList.ts';

export async function chooseProcess(
  processes: readonly ContainerProcess[], test: (p: ContainerProcess) => boolean, runtime: string, container: string,
  pick?: (choices: readonly ContainerProcess[]) => Promise<ContainerProcess | undefined>,
): Promise<ContainerProcess> {
  const found = candidates(processes, test);
  if (found.length === 0) {
    const seen = processes.map(describeProcess).join('; ') || 'none could be read';
    throw new CaptureError('no-process', `No ${runtime} process runs in the container ${container} (its processes: ${seen}).`, `Choose the container that runs the ${runtime} service.`);
  }
  if (found.length === 1 || !pick) return found[0];
  const picked = await pick(found);
  if (!picked) throw new CaptureError('cancelled', 'Cancelled.');
  return picked;
}
