// The program, once cli.tsx has checked Node: parse the flags, then load only the mode that
// runs (each is a lazy chunk).
import process from 'node:process';
import {complain, reason} from './complain';
import {noArguments} from './defaults';
import {boundHeapForScreen} from './heap';

const fail = (message: string, code = 2) => {
	complain(message);
	process.exitCode = code;
};

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	// The usual start has no arguments: nothing to parse, so the flag parser is not even loaded.
	const invocation = argv.length === 0 ? noArguments() : (await import('./args')).parseArgs(argv);
	if ('notice' in invocation && invocation.notice) complain(invocation.notice);
	switch (invocation.mode) {
		case 'error':
			return fail(invocation.message);
		case 'explain': {
			const {runExplain} = await import('../explain/main');
			process.exitCode = await runExplain(invocation.argv);
			return;
		}
		case 'worker': {
			const {runWorker} = await import('../server/worker-main');
			return runWorker();
		}
		case 'thread': {
			const {runThread} = await import('../server/gthread-thread');
			return runThread();
		}
		case 'serve': {
			const {runServe} = await import('../server/main');
			process.exitCode = await runServe(invocation.server, {events: invocation.events});
			return;
		}
		case 'workshop': {
			const {runWorkshop} = await import('../workshop/main');
			process.exitCode = await runWorkshop(invocation);
			return;
		}
		case 'walkthrough': {
			// The full-screen walkthrough needs keys (stdin a terminal) and a screen that addresses the cursor (not
			// TERM=dumb).
			const dumb = process.env.TERM === 'dumb';
			const screen = process.stdin.isTTY && process.stdout.isTTY && !dumb;
			if (invocation.plain || (!screen && !invocation.live)) {
				const {plainLesson} = await import('../lesson/plain');
				process.stdout.write(plainLesson());
				return;
			}
			if (!screen) {
				return fail(
					`--${invocation.live === 'server' ? 'live' : 'gunicorn'} needs an interactive ` +
						`terminal${dumb ? ' that can address the cursor (TERM is dumb)' : ''}`,
				);
			}
			boundHeapForScreen();
			const {runWalkthrough} = await import('../ui/run');
			process.exitCode = await runWalkthrough(invocation);
		}
	}
}

main().catch((error: unknown) => {
	fail(reason(error), 1);
});
