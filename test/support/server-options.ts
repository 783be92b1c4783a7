// The server options the live and Gunicorn tests start from: the defaults, on a free port, with a
// short graceful timeout so a stop never waits long.
import type {ServerOptions} from '../../source/cli/args';
import {DEFAULT_SERVER} from '../../source/cli/defaults';

export const testServer = (extra: Partial<ServerOptions> = {}): ServerOptions => ({
	...DEFAULT_SERVER,
	bind: '127.0.0.1:0', // Gunicorn binds a free port and reports it in socket.bound
	gracefulTimeout: 5,
	...extra,
});
