// What no arguments mean, apart from args.ts so that a start without any (the usual one) does
// not load the flag parser, meow, at all. args.ts takes its defaults from here.
import type {Invocation, ServerOptions} from './args';

export const DEFAULT_SERVER: ServerOptions = {
	workers: 2,
	bind: '127.0.0.1:8000',
	timeout: 30,
	gracefulTimeout: 30,
	maxRequests: 0,
	maxRequestsJitter: 0,
	preload: false,
	workerClass: 'sync',
	threads: 1,
	keepAlive: 2,
	workerConnections: 1000,
};

/** parseArgs([]) without meow (a test keeps the two equal); meow would also name the process. */
export function noArguments(): Invocation {
	process.title = 'gunicorn-walkthrough';
	return {
		mode: 'walkthrough',
		chapter: undefined,
		step: undefined,
		panel: undefined,
		plain: false,
		screenReader: false,
		reset: false,
		live: undefined,
		server: {...DEFAULT_SERVER},
		python: undefined,
	};
}
