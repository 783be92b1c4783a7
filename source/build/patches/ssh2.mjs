// ssh2 tells a server's Session from its other channels by `constructor.name`, which minified
// names would break (the workshop then fails on a session's close). The bundle keeps that one
// name rather than all of them (esbuild's keepNames wraps every function in a call that names it,
// at load and for each closure made per frame). Measured on Node 24, 15 first frames each, two
// runs alternating: the walkthrough's first frame 187.7 -> 138.3 and 141.5 -> 120.8 ms, the floor
// Ink app's (built the same way) 137.6 -> 125.2 and 109.1 -> 94.0 ms. Without this patch the
// workshop test "nothing an attendee sends crashes the server" fails. Applied by ../patches.mjs.
import {SSH2} from './versions.mjs';

export const SSH2_NAMES = [
	{
		for: SSH2,
		file: 'ssh2/lib/server.js',
		find: 'class Session extends EventEmitter {',
		replace: "class Session extends EventEmitter {\n  static name = 'Session';",
	},
];
