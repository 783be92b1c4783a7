// `gunicorn-walkthrough serve`: run the Arbiter (the master) until it halts.
import process from 'node:process';
import type {ServerOptions} from '../cli/args';
import {Arbiter} from './arbiter';

export async function runServe(server: ServerOptions, opts: {events: boolean}): Promise<number> {
	const code = await new Arbiter(server, opts).run();
	// Every worker is reaped and every line written (synchronously): nothing is left to wait for.
	process.exit(code);
}
