// One attendee's walkthrough over one SSH channel: its own App, state, size and colour. It ends
// alone (q, Ctrl+C, a dropped connection, idleness) and takes nothing else with it.
import React, {useEffect} from 'react';
import {render, type Instance} from 'ink';
import type {ServerChannel} from 'ssh2';
import type {Attendee} from '../ui/contracts';
import {App} from '../ui/App';
import {RENDER_OPTIONS} from '../ui/terminal';
import type {WorkshopRoom} from './room';
import {asTty, clampSize, crlf, TerminalInput, TerminalOutput, type Size} from './terminal';

/** A client that stops reading is dropped before its unread frames pile up in the server. */
const MAX_UNSENT_BYTES = 1 << 20;

export type EndReason = 'quit' | 'dropped' | 'idle' | 'slow' | 'shutdown';

export interface SessionOptions {
	idleMs: number;
	/** What the attendee reads when the session ends for this reason (nothing for q or a drop). */
	farewell: Partial<Record<EndReason, string>>;
	onEnd: (session: AttendeeSession) => void;
}

/** Tells the host when the App has unmounted itself (q, Ctrl+C, or a render error Ink caught). */
function Lifetime({onGone, children}: {onGone: () => void; children: React.ReactNode}) {
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
		this.output = new TerminalOutput(text => this.send(text), size, {colour, crlf: true});
		this.closed = new Promise(resolve => channel.once('close', resolve));
		channel.on('data', (data: Buffer) => {
			this.touch();
			if (!this.ended) this.input.type(data);
		});
		channel.on('error', () => this.end('dropped'));
		channel.on('close', () => this.end('dropped'));
		this.touch();
		const app = (
			<Lifetime onGone={() => this.end('quit')}>
				<App
					leader={room.leader}
					onProgress={progress => room.update(this.attendee.id, progress)}
					notice={`Welcome, ${this.attendee.name}. Press f to follow the instructor, ? for every key.`}
				/>
			</Lifetime>
		);
		this.ink = render(app, {stdout: asTty.output(this.output), stdin: asTty.input(this.input), stderr: asTty.output(this.output), patchConsole: false, ...RENDER_OPTIONS});
	}

	resize(columns: number, rows: number): void {
		if (!this.ended) this.output.resize(clampSize(columns, rows));
	}

	/** Idempotent; the final frame and the farewell reach the attendee if their channel is still open. */
	end(reason: EndReason): void {
		if (this.ended) return;
		this.ended = true;
		clearTimeout(this.idle);
		this.room.leave(this.attendee.id);
		if (reason !== 'quit') this.ink.unmount(); // on quit Ink is already unmounting
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
