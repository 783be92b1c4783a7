// --lesson FILE: a chapter an instructor wrote, in JSON or YAML, checked before anything starts.
import {readFileSync, statSync} from 'node:fs';
import {basename, extname} from 'node:path';
import {parse as parseYaml} from 'yaml';
import type {Chapter} from './chapters';
import {buildChapter} from './format';
import {LessonError, validateChapter} from './validate';

function parse(file: string, source: string): unknown {
	const ext = extname(file).toLowerCase();
	if (ext === '.json') {
		try {
			return JSON.parse(source);
		} catch (error) {
			throw new LessonError(`not JSON: ${(error as Error).message}`);
		}
	}
	try {
		return parseYaml(source, {prettyErrors: false}); // YAML is a superset of JSON: any other name is read as YAML
	} catch (error) {
		throw new LessonError(
			`not ${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON or YAML'}: ${firstLine(error)}`,
		);
	}
}

const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0];

/** The chapter in a lesson file; throws a LessonError whose message is one line naming the file and the field. */
export function loadLesson(file: string): Chapter {
	try {
		// Not a FIFO or a device: reading one could block for ever.
		if (!statSync(file).isFile()) throw new LessonError('not a regular file');
		const data = validateChapter(parse(file, readFileSync(file, 'utf8')));
		const id = data.id ?? basename(file, extname(file));
		return {id, title: data.title, lesson: variant => buildChapter(data, variant)};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why =
			error instanceof LessonError ? error.message : code === 'ENOENT' ? 'no such file' : firstLine(error);
		throw new LessonError(`${file}: ${why}`);
	}
}
