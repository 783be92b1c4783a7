// The one shape of every error the user sees: one line on stderr, named after the program.
import process from 'node:process';

export const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function complain(problem: unknown): void {
	process.stderr.write(`gunicorn-walkthrough: ${reason(problem)}\n`);
}
