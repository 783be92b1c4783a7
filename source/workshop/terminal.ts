// An SSH channel as the terminal Ink expects. The channel is not a TTY: nothing turns LF into
// CRLF, nothing tells Ink the size, and raw mode is the client's business. So the output stream
// claims to be a TTY with columns and rows (and emits 'resize'), converts line ends and drops
// colour the attendee's terminal does not want; the input stream accepts setRawMode.
import {Writable} from 'node:stream';
import {KeyInput} from '../ui/keys-in';
import {stripStyle} from '../ui/colour';

export interface Size {
	columns: number;
	rows: number;
}

/** The size a client claims, kept sane: Ink lays out every cell it is told about. */
export function clampSize(columns: number, rows: number): Size {
	const sane = (n: number, max: number, fallback: number) =>
		Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
	return {columns: sane(columns, 500, 80), rows: sane(rows, 200, 24)};
}

/** One frame at the 30 frames a second Ink draws at. */
const RESIZE_FRAME_MS = 33;

export const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

export class TerminalOutput extends Writable {
	readonly isTTY = true;
	columns: number;
	rows: number;
	private pending = '';
	private wanted: Size;
	/** Set while a new size waits for the next frame. */
	resizing?: NodeJS.Timeout;

	constructor(
		private readonly sink: (text: string) => void,
		size: Size,
		private readonly options: {colour: boolean; crlf: boolean},
	) {
		super({decodeStrings: false});
		this.columns = size.columns;
		this.rows = size.rows;
		this.wanted = size;
	}

	/**
	 * A new size, applied at most once a frame: of a storm of window changes only the last one
	 * is laid out (each would be a full redraw).
	 */
	resize(size: Size): void {
		this.wanted = size;
		this.resizing ??= setTimeout(() => {
			this.resizing = undefined;
			const {columns, rows} = this.wanted;
			if (columns === this.columns && rows === this.rows) return;
			this.columns = columns;
			this.rows = rows;
			this.emit('resize');
		}, RESIZE_FRAME_MS);
	}

	override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
		clearTimeout(this.resizing);
		done(error);
	}

	override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
		let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		if (!this.options.colour) text = stripStyle(text);
		if (this.options.crlf) text = crlf(text);
		// Ink writes a frame in pieces (synchronised-output markers, the frame): send them as one packet.
		if (text && !this.pending) queueMicrotask(() => this.flush());
		this.pending += text;
		done();
	}

	/** Sends what is written so far at once (before a farewell, say). */
	flush(): void {
		const text = this.pending;
		this.pending = '';
		if (text) this.sink(text);
	}
}

/**
 * What the attendee types, for Ink's stdin (raw mode is already on at their end): one chunk per
 * key, bounded per read and per second (see ../ui/keys-in.ts). Packets that arrive together
 * while the server is busy would otherwise reach Ink as one string ("nn"), read as pasted text.
 */
export class TerminalInput extends KeyInput {}

/** Ink's option types name Node's TTY streams; these streams have every part of them Ink uses. */
export const asTty = {
	output: (stream: TerminalOutput) => stream as unknown as NodeJS.WriteStream,
	input: (stream: TerminalInput) => stream as unknown as NodeJS.ReadStream,
};
