import type {ServerOptions} from '../cli/args';
import type {LiveSource} from '../live/source';
// Placeholder until the Gunicorn source lands.
export async function createGunicornSource(_server: ServerOptions, _python?: string): Promise<LiveSource | {error: string}> {
	return {error: 'the Gunicorn mode is not built yet'};
}
