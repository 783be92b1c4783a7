// When the terminal itself goes away (SIGHUP, or EIO writing to it) the app cleans up and then
// dies of SIGHUP, as a hung-up process should. Exiting normally instead would run Node 20's
// exit-time tty reset, which aborts (SIGABRT, a native stack trace) on a vanished terminal
// (nodejs/node#51519, fixed only in later Node).

/** An error that means the terminal is gone. */
export const isHangup = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'EIO';

/** Call last, after every cleanup: whatever still listens for SIGHUP (signal-exit) is let go. */
export function dieOfHangup(): void {
	process.removeAllListeners('SIGHUP');
	process.kill(process.pid, 'SIGHUP');
}
