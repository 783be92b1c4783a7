// Finds the Python that runs Gunicorn, the way a learner's shell would: --python PATH,
// else the interpreter of `gunicorn` on PATH (its shebang), else python3. Then checks that
// this same interpreter imports Django: Gunicorn and Django must live in one environment.
import {execFile} from 'node:child_process';
import {accessSync, closeSync, constants, openSync, readSync, statSync} from 'node:fs';
import {delimiter, isAbsolute, join} from 'node:path';
import process from 'node:process';

export interface FoundGunicorn {
	python: string; // run as `python -m gunicorn`
	pythonVersion: string;
	gunicorn: string; // version
	django: string; // version
	via: string; // how it was found, for messages
}

interface Probe {
	python: string;
	version: string;
	gunicorn: string | null;
	django: string | null;
}

// Prints what this interpreter can import; never fails on a missing module.
const PROBE = `
import json, sys
found = {"python": sys.executable, "version": sys.version.split()[0]}
for name in ("gunicorn", "django"):
    try:
        found[name] = __import__(name).__version__
    except Exception:
        found[name] = None
print(json.dumps(found))
`;

const INSTALL = 'apt-get install gunicorn python3-django (Debian, Ubuntu: for /usr/bin/python3)';

/** An executable on PATH, like the shell finds it. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
	for (const dir of path.split(delimiter)) {
		if (!dir) continue;
		const file = join(dir, name);
		try {
			accessSync(file, constants.X_OK);
			if (statSync(file).isFile()) return file;
		} catch {
			// not here
		}
	}
	return undefined;
}

/**
 * The interpreter a script's shebang names: `#!/usr/bin/python3`, `#!/usr/bin/env python3`, or pip's `/bin/sh`
 * trampoline.
 */
export function shebangInterpreter(head: string): string | undefined {
	const [first = '', second = ''] = head.split('\n');
	const shebang = /^#!\s*(\S+)(?:\s+(.*))?$/.exec(first.trim());
	if (!shebang) return undefined;
	const [, program, rest = ''] = shebang;
	if (program.endsWith('/env')) {
		const name = rest.split(/\s+/).find(word => word && !word.startsWith('-') && !word.includes('='));
		return name && (isAbsolute(name) ? name : onPath(name));
	}
	if (/\/(ba|da)?sh$/.test(program)) return /^'''exec' "?([^"\s]+)"?/.exec(second.trim())?.[1];
	return program;
}

function readHead(file: string): string {
	const fd = openSync(file, 'r');
	try {
		const buffer = Buffer.alloc(1024);
		return buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
	} finally {
		closeSync(fd);
	}
}

function probe(python: string): Promise<Probe | {error: string}> {
	return new Promise(resolve => {
		execFile(
			python,
			['-c', PROBE],
			{timeout: 20_000, env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'}},
			(error, stdout) => {
				try {
					if (!error) return resolve(JSON.parse(stdout) as Probe);
				} catch {
					// fall through: not a Python we understand
				}
				const code = (error as NodeJS.ErrnoException | null)?.code;
				const why =
					code === 'ENOENT'
						? 'no such file'
						: code === 'EACCES'
							? 'not executable'
							: 'it is not a working Python 3';
				resolve({error: `cannot run ${python} (${why})`});
			},
		);
	});
}

function missing(p: Probe, via: string): string | undefined {
	const lacks = [p.gunicorn ? '' : 'Gunicorn', p.django ? '' : 'Django'].filter(Boolean);
	if (!lacks.length) return undefined;
	const what = lacks.join(' and ');
	const pip = [p.gunicorn ? '' : 'gunicorn', p.django ? '' : 'django'].filter(Boolean).join(' ');
	return (
		`${what} ${lacks.length > 1 ? 'are' : 'is'} not installed for ${p.python} (Python ${p.version}, ${via}). ` +
		`Install: ${INSTALL}, or ${p.python} -m pip install ${pip}; or name another interpreter with --python PATH`
	);
}

export async function findGunicorn(python?: string): Promise<FoundGunicorn | {error: string}> {
	const candidates: Array<{python: string; via: string}> = [];
	if (python) {
		candidates.push({python, via: 'from --python'});
	} else {
		const script = onPath('gunicorn');
		let interpreter: string | undefined;
		try {
			interpreter = script && shebangInterpreter(readHead(script));
		} catch {
			// unreadable script: fall back to python3
		}
		// Only a Python is asked to run the probe (a pyenv shim's shebang names bash: python3 below covers it).
		if (script && interpreter && /\/(python|pypy)[\d.]*$/.test(interpreter))
			candidates.push({python: interpreter, via: `the interpreter of ${script}`});
		const python3 = onPath('python3');
		if (python3 && python3 !== interpreter) candidates.push({python: python3, via: 'python3 on PATH'});
	}
	let first: Probe | undefined;
	let via = '';
	const failed: string[] = [];
	for (const candidate of candidates) {
		const result = await probe(candidate.python);
		if ('error' in result) {
			if (python) return {error: `${result.error}: --python must name a Python that has Gunicorn and Django`};
			failed.push(`${result.error.replace('cannot run ', '')}, ${candidate.via}`);
			continue;
		}
		first ??= result;
		via ||= candidate.via;
		// The first interpreter that has Gunicorn is the one a shell would run; Django must be beside it.
		if (result.gunicorn) {
			const lack = missing(result, candidate.via);
			if (lack) return {error: lack};
			return {
				python: result.python || candidate.python,
				pythonVersion: result.version,
				gunicorn: result.gunicorn,
				django: result.django!,
				via: candidate.via,
			};
		}
	}
	if (first) return {error: missing(first, via)!};
	const tried = failed.length
		? `no Python here could run (${failed.join('; ')})`
		: 'no gunicorn and no python3 on PATH';
	return {
		error:
			`Gunicorn and Django are not installed: ${tried}. Install: ${INSTALL}, or pip install gunicorn ` +
			`django; or name an interpreter with --python PATH`,
	};
}
