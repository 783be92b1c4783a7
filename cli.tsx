// Entry point: parse the flags, then load only the mode that runs (each is a lazy chunk).
import process from 'node:process';
import {complain, reason} from './source/cli/complain';
import {noArguments} from './source/cli/defaults';

const fail = (message: string, code = 2) => {
	complain(message);
	process.exitCode = code;
};

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	// The usual start has no arguments: nothing to parse, so the flag parser is not even loaded.
	const invocation = argv.length === 0 ? noArguments() : (await import('./source/cli/args')).parseArgs(argv);
	if ('notice' in invocation && invocation.notice) complain(invocation.notice);
	switch (invocation.mode) {
		case 'error':
			return fail(invocation.message);
		case 'worker': {
			const {runWorker} = await import('./source/server/worker-main');
			return runWorker();
		}
		case 'thread': {
			const {runThread} = await import('./source/server/gthread-thread');
			return runThread();
		}
		case 'serve': {
			const {runServe} = await import('./source/server/main');
			process.exitCode = await runServe(invocation.server, {events: invocation.events});
			return;
		}
		case 'workshop': {
			const {runWorkshop} = await import('./source/workshop/main');
			process.exitCode = await runWorkshop(invocation);
			return;
		}
		case 'walkthrough': {
			if (invocation.plain || (!process.stdout.isTTY && !invocation.live)) {
				const {plainLesson} = await import('./source/lesson/plain');
				process.stdout.write(plainLesson());
				return;
			}
			if (!process.stdin.isTTY || !process.stdout.isTTY) {
				return fail('--live and --gunicorn need an interactive terminal');
			}
			const {runWalkthrough} = await import('./source/ui/run');
			process.exitCode = await runWalkthrough(invocation);
		}
	}
}

main().catch((error: unknown) => {
	fail(reason(error), 1);
});
