// The local host of the App: the user's terminal, saved progress, an optional live server,
// and an exit that always restores the terminal and stops whatever was started.
import process from 'node:process';
import {render} from 'ink';
import type {Invocation} from '../cli/args';
import {complain, reason} from '../cli/complain';
import type {LiveSource} from '../live/source';
import {ProgressStore, startingPoint} from '../progress/store';
import {App} from './App';
import {applyColourPreference} from './colour';
import {dieOfHangup, isHangup} from './hangup';
import {KeyInput} from './keys-in';
import {exposedNotice} from './own-project';
import {RENDER_OPTIONS} from './terminal';

type Walkthrough = Extract<Invocation, {mode: 'walkthrough'}>;

/** Finds and starts the server; a string says why it could not. */
async function startSource(inv: Walkthrough): Promise<LiveSource | string | {source: LiveSource; failed: string}> {
	let source: LiveSource;
	if (inv.live === 'gunicorn') {
		const {createGunicornSource} = await import('../gunicorn/source');
		const found = await createGunicornSource(inv.server, inv.python, inv.project, inv.path);
		if ('error' in found) return found.error;
		source = found;
	} else {
		const {createServerSource} = await import('../live/server-source');
		source = createServerSource(inv.server, inv.path);
	}
	for (const warning of inv.project?.warnings ?? []) complain(`warning: ${warning}`);
	const what = inv.project
		? `Gunicorn with ${inv.project.app} (in ${inv.project.dir})`
		: inv.live === 'gunicorn'
			? 'Gunicorn'
			: 'the pre-fork server';
	process.stderr.write(`Starting ${what} on ${inv.server.bind} …\n`);
	try {
		await source.start();
	} catch (error) {
		// A lab says so in its panel, where reset tries again; without one, the walkthrough cannot go on.
		if (!inv.lab) throw error;
		await source.stop();
		return {source, failed: `R tries again: could not start: ${reason(error).split('\n')[0]}`};
	}
	return source;
}

export async function runWalkthrough(inv: Walkthrough): Promise<number> {
	const store = new ProgressStore();
	const start = startingPoint(store, inv);
	let source: LiveSource | undefined;
	let failed: string | undefined;
	if (inv.live) {
		let started: Awaited<ReturnType<typeof startSource>>;
		try {
			started = await startSource(inv);
		} catch (error) {
			started = reason(error);
		}
		if (typeof started === 'string') {
			complain(started);
			return 2;
		}
		if ('failed' in started) {
			failed = started.failed;
			source = started.source;
		} else source = started;
	}
	applyColourPreference();
	const initial = {...start.initial, ...(source && !inv.panel ? {panel: 'live' as const} : {})};
	if (failed) complain(failed);
	// Screen readers get the same walkthrough said as lines of text (source/ui/screen-reader/).
	const screenReader = inv.screenReader || process.env.INK_SCREEN_READER === 'true';
	const Root = screenReader ? (await import('./screen-reader/App')).ScreenReaderApp : App;
	// The terminal's keys, bounded and only those the app reads (a paste is not thousands of presses).
	const keys = new KeyInput(process.stdin);
	const app = render(
		<Root
			initial={initial}
			notice={source ? exposedNotice(inv.project?.exposed) : start.notice}
			live={source}
			onProgress={p => store.save(p)}
			lab={inv.lab}
			labStatus={failed}
		/>,
		{...RENDER_OPTIONS, isScreenReaderEnabled: screenReader, stdin: keys as unknown as NodeJS.ReadStream},
	);
	let code = 0;
	let hungUp = false;
	const stop = () => app.unmount();
	const hangup = () => {
		hungUp = true;
		app.unmount();
	};
	// A crash still restores the terminal (Ink's unmount turns raw mode off, shows the cursor).
	const crash = (error: unknown) => {
		if (isHangup(error)) return hangup();
		app.unmount();
		complain(error);
		code = 1;
	};
	process.on('SIGTERM', stop);
	process.on('SIGHUP', hangup); // not once: a second hangup during cleanup must not reach Ink's signal-exit
	process.on('uncaughtException', crash);
	try {
		await app.waitUntilExit();
	} finally {
		process.off('SIGTERM', stop);
		process.off('SIGHUP', hangup);
		process.off('uncaughtException', crash);
		keys.close();
		await source?.stop();
	}
	if (hungUp) dieOfHangup();
	else if (store.notice) process.stderr.write(`${store.notice}\n`);
	return code;
}
