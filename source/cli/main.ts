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
			// A lesson file is read and checked before anything starts: a bad one is one line, exit 2.
			const chapters = invocation.lesson ? await lessonFile(invocation.lesson) : await named(invocation.chapter);
			if (invocation.lesson && !chapters) return;
			// The walkthrough opens the file's chapter, whatever chapter the saved progress was on.
			if (invocation.lesson && chapters) invocation.chapter = chapters[0].id;
			// The full-screen walkthrough needs keys (stdin a terminal) and a screen that addresses the cursor (not
			// TERM=dumb).
			const dumb = process.env.TERM === 'dumb';
			const screen = process.stdin.isTTY && process.stdout.isTTY && !dumb;
			if (invocation.plain && invocation.lab) {
				const [{plainSheet}, {labById}] = await Promise.all([
					import('../lesson/plain'),
					import('../labs/labs'),
				]);
				process.stdout.write(`${plainSheet(labById(invocation.lab)!).join('\n')}\n`);
				return;
			}
			if (invocation.plain || (!screen && !invocation.live)) {
				const {plainLesson} = await import('../lesson/plain');
				process.stdout.write(plainLesson(undefined, chapters));
				return;
			}
			if (!screen) {
				return fail(
					`--${invocation.live === 'server' ? 'live' : 'gunicorn'} needs an interactive ` +
						`terminal${dumb ? ' that can address the cursor (TERM is dumb)' : ''}`,
				);
			}
			await boundHeapForScreen({scripted: !invocation.live}); // --lab is live too
			const {runWalkthrough} = await import('../ui/run');
			process.exitCode = await runWalkthrough(invocation);
		}
	}
}

/** The one chapter --chapter names, for --plain; undefined: every chapter. */
async function named(chapter: string | undefined) {
	if (chapter === undefined) return undefined;
	const {findChapter} = await import('../lesson/chapters');
	const found = findChapter(chapter);
	return found ? [found] : undefined;
}

/** The chapter in a lesson file, chosen for the walkthrough; undefined (and exit 2, said) when it is bad. */
async function lessonFile(file: string) {
	const [{loadLesson}, {chooseChapter}, {LessonError}] = await Promise.all([
		import('../lesson/load'),
		import('../lesson/chapters'),
		import('../lesson/validate'),
	]);
	try {
		const chapter = loadLesson(file);
		chooseChapter(chapter);
		return [chapter];
	} catch (error) {
		if (!(error instanceof LessonError)) throw error;
		fail(error.message);
		return undefined;
	}
}

main().catch((error: unknown) => {
	fail(reason(error), 1);
});
