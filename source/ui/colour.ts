// chalk 6 reads FORCE_COLOR but not NO_COLOR (no-color.org): honour both. An explicit
// FORCE_COLOR wins over NO_COLOR. Ink colours through the same chalk instance (package.json
// overrides Ink 7's own chalk 5 with ours: two copies would each keep their own level).
import process from 'node:process';
import chalk from 'chalk';

/** Terminals that show no colour, whatever chalk guesses from their names: vt100, vt220, xterm-mono, dumb. */
export const monochrome = (term: string | undefined) => term !== undefined && /^(dumb|vt\d+)$|-mono$/.test(term);

export function wantsNoColour(env: NodeJS.ProcessEnv = process.env): boolean {
	return (Boolean(env.NO_COLOR) || monochrome(env.TERM)) && env.FORCE_COLOR === undefined;
}

export function applyColourPreference(env: NodeJS.ProcessEnv = process.env): void {
	if (wantsNoColour(env)) chalk.level = 0;
}

/**
 * Whether a terminal we do not own (an SSH session: its TERM and the variables it sent) shows colour.
 * chalk's level is process-wide, so a workshop renders colour once and strips it per terminal.
 */
export function terminalHasColour(env: Record<string, string | undefined>): boolean {
	const force = env.FORCE_COLOR;
	if (force !== undefined) return force !== '0' && force !== 'false';
	if (env.NO_COLOR) return false;
	return Boolean(env.TERM) && !monochrome(env.TERM);
}

/** Removes every SGR sequence (colours and styles): what a terminal without colour gets, as chalk level 0 would. */
export function stripStyle(text: string): string {
	return text.replace(/\x1b\[[0-9;:]*m/g, '');
}
