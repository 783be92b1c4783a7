// Gunicorn's log format on stderr: "[%Y-%m-%d %H:%M:%S %z] [pid] [LEVEL] message".
// One write per line, so lines from the master and its workers never mix.
import {writeSync} from 'node:fs';
import process from 'node:process';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of text to fd synchronously (stdout / stderr), so that lines keep their order
 * and survive an immediate exit. False once the reader is gone (EPIPE).
 */
export function writeAll(fd: number, text: string): boolean {
	let data = Buffer.from(text);
	while (data.length) {
		try {
			data = data.subarray(writeSync(fd, data));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
			Atomics.wait(pause, 0, 0, 1); // a non-blocking pipe that is full: wait for the reader
		}
	}
	return true;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** Local time with its UTC offset, as Gunicorn's default datefmt prints it. */
export function timestamp(date = new Date()): string {
	const offset = -date.getTimezoneOffset();
	const zone = `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}${pad(offset % 60)}`;
	const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
	return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

type Level = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

function write(level: Level, message: string): void {
	if (level === 'DEBUG' && process.env.GW_LOG_LEVEL !== 'debug') return; // Gunicorn's default loglevel is info
	writeAll(2, `[${timestamp()}] [${process.pid}] [${level}] ${message}\n`);
}

export const log = {
	debug: (message: string) => write('DEBUG', message),
	info: (message: string) => write('INFO', message),
	warning: (message: string) => write('WARNING', message),
	error: (message: string) => write('ERROR', message),
	critical: (message: string) => write('CRITICAL', message),
};
