import type {ServerOptions} from '../cli/args';
export async function runServe(_server: ServerOptions, _opts: {events: boolean}): Promise<number> {
	throw new Error('serve is not built yet');
}
