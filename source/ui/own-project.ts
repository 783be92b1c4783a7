// Attached to the learner's own project, the lesson speaks of their app: their module, their
// view, their files. The demo's names (myproject, pages.views.home) are swapped for theirs
// everywhere the lesson's words reach the screen, and the Sample panel shows their wsgi file.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LifecycleState} from '../lifecycle/machine';
import type {Lesson} from '../lesson/types';
import type {ProjectInfo} from '../live/source';

/** The view and path of the request in flight, else of the last one: what the narration names. */
export function latestRequest(state: LifecycleState): {view?: string; path?: string} {
	const active = Object.values(state.requests).find(r => r.view);
	const request = active ?? state.last;
	return {view: request?.view, path: request?.path};
}

export function projectNames(project: ProjectInfo, view?: string, path?: string): (text: string) => string {
	const [module, variable = 'application'] = project.app.split(':');
	const viewModule = view?.slice(0, view.lastIndexOf('.'));
	const viewName = view?.slice(view.lastIndexOf('.') + 1);
	const names: Array<[RegExp, string]> = [
		[/myproject\.wsgi:application/g, `${module}:${variable}`],
		[/myproject\/wsgi\.py/g, `${module.replaceAll('.', '/')}.py`],
		[/myproject\.wsgi/g, module],
		[/myproject\.settings/g, 'its settings module'],
		[/pages\.views\.home/g, view ?? 'the view'],
		[/pages\/views\.py/g, viewModule ? `${viewModule.replaceAll('.', '/')}.py` : 'the views module'],
		[/\bhome\(\)/g, viewName ? `${viewName}()` : 'the view'],
		[/the path ''/g, `the path '${(path ?? '/').replace(/^\//, '')}'`],
		[/"Hello from worker \d+"/g, 'the page'],
		[/\bmyproject\b/g, module.split('.')[0]],
	];
	return text => names.reduce((out, [pattern, name]) => out.replace(pattern, name), text);
}

function mapStrings<T>(value: T, rename: (text: string) => string): T {
	if (typeof value === 'string') return rename(value) as T;
	if (Array.isArray(value)) return value.map(item => mapStrings(item, rename)) as T;
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, rename)])) as T;
	return value;
}

const MAX_LINES = 30;

/** Their WSGI module as it is on disk, or a line saying why it cannot be shown. */
function theirFile(project: ProjectInfo): {name: string; lines: string[]} {
	const name = `${project.app.split(':')[0].replaceAll('.', '/')}.py`;
	try {
		const lines = readFileSync(join(project.dir, name), 'utf8').replace(/\n$/, '').split('\n');
		return {name, lines: lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines`] : lines};
	} catch {
		return {name, lines: ['(not readable here: a package __init__.py, or outside the project)']};
	}
}

/** The lesson, renamed for their project; the samples are their command and their wsgi file. */
export function ownLesson(lesson: Lesson, project: ProjectInfo, view?: string, path?: string): Lesson {
	const renamed = mapStrings(lesson, projectNames(project, view, path));
	return {
		...renamed,
		steps: renamed.steps.map(step => ({...step, sample: undefined})),
		samples: [{name: 'shell', lines: [`$ ${project.command}`]}, theirFile(project)],
		sampleNote: `Your project in ${project.dir}: your Gunicorn options (the walkthrough adds its config file, which loads yours and wraps its hooks), and the module Gunicorn imports in each worker (with --preload, in the master).`,
	};
}
