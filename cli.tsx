// Entry point. It only checks the Node.js version, so it must parse and run on any old Node
// (no newer syntax, no static imports): everything else is loaded once the check has passed.
const MINIMUM = 22;

if (Number(process.versions.node.split('.')[0]) < MINIMUM) {
	process.stderr.write('gunicorn-walkthrough needs Node.js ' + MINIMUM + ' or newer; this is ' + process.version + '\n');
	process.exitCode = 1;
} else {
	import('./source/cli/main').catch(function (error: unknown) {
		process.stderr.write('gunicorn-walkthrough: ' + (error instanceof Error ? error.message : String(error)) + '\n');
		process.exitCode = 1;
	});
}
