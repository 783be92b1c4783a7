// Entry point. It only checks the Node.js version, so it must parse and run on any old Node
// (no newer syntax, only a built-in import): everything else is loaded once the check has passed.
import nodeModule from 'node:module';

const MINIMUM = 22;

if (Number(process.versions.node.split('.')[0]) < MINIMUM) {
	process.stderr.write(
		'gunicorn-walkthrough needs Node.js ' + MINIMUM + ' or newer; this is ' + process.version + '\n',
	);
	process.exitCode = 1;
} else {
	// Node keeps the compiled code of the bundle on disk (its compile cache, in the temp folder):
	// later starts skip parsing and compiling the ~1 MB it loads before the first frame.
	nodeModule.enableCompileCache();
	import('./source/cli/main').catch((error: unknown) => {
		process.stderr.write(
			'gunicorn-walkthrough: ' + (error instanceof Error ? error.message : String(error)) + '\n',
		);
		process.exitCode = 1;
	});
}
