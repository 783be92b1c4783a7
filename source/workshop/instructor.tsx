// The instructor's terminal: their own walkthrough (saved progress, like the local one) that the
// room follows, with the Room panel (key 0), and a question before quitting on a full room.
import process from 'node:process';
import {render} from 'ink';
import type {Invocation} from '../cli/args';
import type {LiveSource} from '../live/source';
import {ProgressStore, startingPoint} from '../progress/store';
import {RENDER_OPTIONS} from '../ui/terminal';
import {App} from '../ui/App';
import {startUi} from '../ui/course';
import {visiblePanels} from '../ui/panels';
import {attendeeCount, type WorkshopRoom} from './room';
import {asTty, TerminalOutput} from './terminal';

type Workshop = Extract<Invocation, {mode: 'workshop'}>;

/** The instructor's stdout: the terminal itself, or (no colour wanted) a view of it that drops colour. */
function instructorOutput(colour: boolean): NodeJS.WriteStream {
	if (colour) return process.stdout;
	const size = () => ({columns: process.stdout.columns || 80, rows: process.stdout.rows || 24});
	const output = new TerminalOutput(text => process.stdout.write(text), size(), {colour: false, crlf: false});
	process.stdout.on('resize', () => output.resize(size()));
	return asTty.output(output);
}

/** Resolves when the instructor has quit, or at once when `stop` settles first (SIGTERM). */
export async function lead(
	inv: Workshop,
	room: WorkshopRoom,
	colour: boolean,
	stop: Promise<void>,
	live?: LiveSource,
): Promise<void> {
	const store = new ProgressStore();
	const start = startingPoint(store, inv);
	const {notice} = start;
	// With the room's server, the instructor starts on its Live panel unless --panel says otherwise.
	const initial = {...start.initial, ...(live && !inv.panel ? {panel: 'live' as const} : {})};
	// Where the App will start (the same function places it), so its first report is no move.
	const at = startUi(initial, visiblePanels({room: true, live: Boolean(live)}));
	room.setLead(at.step, at.panel, at.chapter);
	const app = render(
		<App
			initial={initial}
			room={room}
			live={live}
			notice={`${notice ? `${notice}  ` : ''}Attendees join with: ${room.address}  (0: the room)`}
			onProgress={progress => {
				store.save(progress);
				room.setLead(progress.step, progress.panel, progress.chapter);
			}}
			confirmQuit={() =>
				room.size ? `${attendeeCount(room.size)} connected: quit and end their sessions? y/n` : undefined
			}
		/>,
		{...RENDER_OPTIONS, stdout: instructorOutput(colour)},
	);
	void stop.then(() => app.unmount());
	await app.waitUntilExit();
	if (store.notice) process.stderr.write(`${store.notice}\n`);
}
