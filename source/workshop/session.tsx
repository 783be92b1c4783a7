// One attendee's walkthrough over one SSH channel: its own App, state, size and colour. It ends
// alone (q, Ctrl+C, a dropped connection, idleness) and takes nothing else with it.
import {AsyncLocalStorage} from 'node:async_hooks';
import React, {useEffect} from 'react';
import {render, type Instance} from 'ink';
import type {ServerChannel} from 'ssh2';
import type {LiveSource} from '../live/source';
import type {Attendee, Leader, Progress} from '../ui/contracts';
import {HAND_KEY} from '../ui/room-keys';
import {App} from '../ui/App';
import {shareDrawings} from '../ui/parts/Drawn';
import {RENDER_OPTIONS} from '../ui/terminal';
import {visiblePanels, type PanelId} from '../ui/panels';
import type {WorkshopRoom} from './room';
import {asTty, clampSize, crlf, TerminalInput, TerminalOutput, type Size} from './terminal';

/** A client that stops reading is dropped before its unread frames pile up in the server. */
const MAX_UNSENT_BYTES = 1 << 20;

export type EndReason = 'quit' | 'dropped' | 'idle' | 'slow' | 'shutdown' | 'crashed';

/** The session whose work is running: timers, ticks and promises a session starts carry it along. */
const scope = new AsyncLocalStorage<AttendeeSession>();

/**
 * An exception nothing caught: when it was thrown by one attendee's session, that session alone
 * ends (true); anything else is the workshop's own (false).
 */
export function crashedSession(error: unknown): boolean {
	const session = scope.getStore();
	if (!session) return false;
	session.crash(error);
	return true;
}

export interface SessionOptions {
	idleMs: number;
	/** What the attendee reads when the session ends for this reason (nothing for q or a drop). */
	farewell: Partial<Record<EndReason, string>>;
	onEnd: (session: AttendeeSession) => void;
	/** An exception ended this session (for the instructor's log). */
	onCrash?: (session: AttendeeSession, error: unknown) => void;
	/** The room's shared server, as this attendee's view of it (workshop --live / --gunicorn). */
	live?: (name: string) => LiveSource;
}

/** A render or effect that throws ends this session, not the process (and shows no stack trace). */
class Guard extends React.Component<{onError: (error: unknown) => void; children: React.ReactNode}, {failed: boolean}> {
	override state = {failed: false};
	static getDerivedStateFromError() {
		return {failed: true};
	}
	override componentDidCatch(error: unknown) {
		this.props.onError(error);
	}
	override render() {
		return this.state.failed ? null : this.props.children;
	}
}

/** Tells the host when the App has unmounted itself (q, Ctrl+C, or a render error Ink caught). */
function Lifetime({onGone, children}: {onGone: () => void; children: React.ReactNode}) {
	// biome-ignore lint/correctness/useExhaustiveDependencies: onGone runs once, at unmount
	useEffect(() => onGone, []);
	return <>{children}</>;
}

export class AttendeeSession {
	readonly attendee: Attendee;
	private readonly output: TerminalOutput;
	private readonly input = new TerminalInput();
	private readonly ink: Instance;
	private idle?: NodeJS.Timeout;
	private ended = false;
	/** Settles when the attendee's channel has closed. */
	readonly closed: Promise<void>;

	constructor(
		private readonly channel: ServerChannel,
		user: string,
		size: Size,
		colour: boolean,
		private readonly room: WorkshopRoom,
		private readonly options: SessionOptions,
	) {
		this.attendee = room.join(user);
		shareDrawings(true); // the room's sessions draw a panel they show alike once
		this.output = new TerminalOutput(text => this.send(text), size, {colour, crlf: true});
		this.closed = new Promise(resolve => channel.once('close', resolve));
		channel.on('data', (data: Buffer) => {
			this.touch();
			if (!this.ended) this.within(() => this.input.type(data));
		});
		channel.on('error', () => this.end('dropped'));
		channel.on('close', () => this.end('dropped'));
		this.touch();
		const live = options.live?.(this.attendee.name);
		const app = (
			<Lifetime onGone={() => this.end('quit')}>
				<Guard onError={error => setImmediate(() => this.crash(error))}>
					<App
						initial={this.start(room, Boolean(live))}
						leader={this.leader(room.leader)}
						seat={room.seat(this.attendee.id)}
						live={live}
						onProgress={progress => room.update(this.attendee.id, progress)}
						notice={
							room.underway
								? `Welcome, ${this.attendee.name}: following the instructor (f stops). ` +
									`${HAND_KEY} raises your hand.`
								: `Welcome, ${this.attendee.name}. Press f to follow the instructor, ` +
									`${HAND_KEY} to raise your hand.`
						}
					/>
				</Guard>
			</Lifetime>
		);
		const inkOptions = {
			stdout: asTty.output(this.output),
			stdin: asTty.input(this.input),
			stderr: asTty.output(this.output),
			patchConsole: false,
			...RENDER_OPTIONS,
			// An attendee's channel is a pty (checked above): interactive, whatever CI the server's
			// own environment names (Ink 7 would otherwise write only the last frame, at the end).
			interactive: true,
		};
		this.ink = scope.run(this, () => render(app, inkOptions));
	}

	/** A late joiner lands where the instructor is, following; the first ones start at the beginning. */
	private start(room: WorkshopRoom, live: boolean): Partial<Progress> | undefined {
		const home: PanelId = live ? 'live' : 'flow';
		if (!room.underway) return live ? {panel: home} : undefined;
		const {chapter, step, panel} = room.leader.current();
		const theirs = visiblePanels({room: false, live}).find(p => p === panel); // not the instructor's Room
		return {chapter, step, panel: theirs ?? home, following: true};
	}

	resize(columns: number, rows: number): void {
		if (this.ended) return;
		// A storm of window changes: only the first of a frame starts work (in this session's scope); the rest just
		// note the size.
		if (this.output.resizing) this.output.resize(clampSize(columns, rows));
		else this.within(() => this.output.resize(clampSize(columns, rows)));
	}

	/** Ends this session because of an exception in it, with a line saying so. */
	crash(error: unknown): void {
		if (this.ended) return;
		this.options.onCrash?.(this, error);
		this.end('crashed');
	}

	/** Runs work for this session: whatever it throws, now or later, ends this session only. */
	private within(work: () => void): void {
		scope.run(this, () => {
			try {
				work();
			} catch (error) {
				this.crash(error);
			}
		});
	}

	/** The instructor's moves reach this session's App as this session's own work. */
	private leader(leader: Leader): Leader {
		return {current: () => leader.current(), subscribe: listener => leader.subscribe(() => this.within(listener))};
	}

	/** Idempotent; the final frame and the farewell reach the attendee if their channel is still open. */
	end(reason: EndReason): void {
		if (this.ended) return;
		this.ended = true;
		clearTimeout(this.idle);
		this.room.leave(this.attendee.id);
		try {
			if (reason !== 'quit') this.ink.unmount(); // on quit Ink is already unmounting
		} catch {} // a session that crashed may fail to unmount cleanly; it is gone either way
		this.input.close();
		this.output.flush(); // the final frame, before any farewell
		if (this.open) {
			const farewell = this.options.farewell[reason];
			if (farewell) this.channel.write(crlf(`\n${farewell}\n`));
			this.channel.exit(0);
			this.channel.end();
		}
		this.options.onEnd(this);
	}

	private get open(): boolean {
		return this.channel.writable && !this.channel.destroyed;
	}

	private send(text: string): void {
		if (!this.open) return;
		this.channel.write(text);
		if (this.channel.writableLength > MAX_UNSENT_BYTES) setImmediate(() => this.end('slow'));
	}

	private touch(): void {
		clearTimeout(this.idle);
		if (!this.ended) this.idle = setTimeout(() => this.end('idle'), this.options.idleMs);
	}
}
