import type {ServerOptions} from '../cli/args';
import type {LiveSource} from './source';
// Placeholder until the server lands.
export function createServerSource(_server: ServerOptions): LiveSource {
	throw new Error('the live server is not built yet');
}
