// chalk 5 reads FORCE_COLOR but not NO_COLOR (no-color.org): honour both. An explicit
// FORCE_COLOR wins over NO_COLOR. Ink colours through the same chalk instance.
import process from 'node:process';
import chalk from 'chalk';

export function wantsNoColour(env: NodeJS.ProcessEnv = process.env): boolean {
	return Boolean(env.NO_COLOR) && env.FORCE_COLOR === undefined;
}

export function applyColourPreference(env: NodeJS.ProcessEnv = process.env): void {
	if (wantsNoColour(env)) chalk.level = 0;
}
