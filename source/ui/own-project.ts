// Attached to the learner's own project, the lesson speaks of their app: their module, their
// view, their files. The demo's names (myproject, pages.views.home) are swapped for theirs
// everywhere the lesson's words reach the screen, and the Sample panel shows their wsgi file.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LifecycleState} from '../lifecycle/machine';
import type {Lesson} from '../lesson/types';
import type {ProjectInfo} from '../live/source';

/** Of the request in flight, else of the last one: what the narration names. */
export interface Named {
	view?: string; // dotted, as Django resolved it
	path?: string;
	method?: string;
	status?: string; // "400 Bad Request", once the app has answered
}

export function latestRequest(state: LifecycleState): Named {
	const active = Object.values(state.requests).find(r => r.view);
	const request = active ?? state.last;
	const status = request?.status === undefined ? undefined : `${request.status} ${request.reason ?? ''}`.trim();
	return {view: request?.view, path: request?.path, method: request?.method, status};
}

export function projectNames(project: ProjectInfo, named: Named = {}): (text: string) => string {
	const {view, path, method, status} = named;
	const [module, variable = 'application'] = project.app.split(':');
	const viewModule = view?.slice(0, view.lastIndexOf('.'));
	const viewName = view?.slice(view.lastIndexOf('.') + 1);
	const where = (path ?? '/').replace(/^\//, '');
	// A request no view answered (a middleware refused it, no URL matched): Django answers it itself.
	const noView = !view && status !== undefined;
	const names: Array<[RegExp, string]> = [
		[/myproject\.wsgi:application/g, `${module}:${variable}`],
		[/myproject\/wsgi\.py/g, `${module.replaceAll('.', '/')}.py`],
		[/myproject\.wsgi/g, module],
		[/myproject\.settings/g, 'its settings module'],
		[/"GET \/ HTTP\/1\.1"/g, `"${method ?? 'GET'} ${path ?? '/'} HTTP/1.1"`],
		...(noView
			? ([
					[
						/the URL resolver matches '' in urls\.py to pages\.views\.home, and the view is called/g,
						'the request reaches no view (a middleware refused it, or no URL in urls.py matched)',
					],
					[/home\(\) returns an HttpResponse\./g, 'No view ran: Django turns the refusal into a response.'],
				] as Array<[RegExp, string]>)
			: []),
		[/start_response\('200 OK', headers\)/g, `start_response('${status ?? '200 OK'}', headers)`],
		[/pages\.views\.home/g, view ?? 'the view'],
		[/pages\/views\.py/g, viewModule ? `${viewModule.replaceAll('.', '/')}.py` : 'the views module'],
		[/\bhome\(\)/g, viewName ? `${viewName}()` : 'the view'],
		[/the path ''/g, `the path '${where}'`],
		[/matches '' in/g, `matches '${where}' in`],
		[/\bpages\.views\b/g, viewModule ?? 'the views module'],
		// The demo's page names its worker; their app's page is theirs.
		[/The browser shows "Hello from worker (?:\d+|\{worker\d*\})"\./g, 'The client has the whole response.'],
		[/"Hello from worker (?:\d+|\{worker\d*\})"/g, 'the page'],
		[/\bmyproject\b/g, module.split('.')[0]],
		// Chapters 2 and 3 time the demo's /slow view: in their project, a view that slow.
		[
			/A request for \/slow runs a view that sleeps (\d+) seconds/g,
			'A request reaches a view that takes $1 seconds',
		],
		[/GET \/slow\?s=(\d+): the view sleeps \1 s,/g, 'A view that takes $1 s,'],
		[/\/slow\?s=N sleeps N seconds, as a view/g, 'The slow requests stand for a view'],
		[/\/slow\?s=(\d+)/g, 'a view taking $1 s'],
		[/\/slow\b/g, 'a slow view'],
	];
	return text => names.reduce((out, [pattern, name]) => out.replace(pattern, name), text);
}

/** Said on screen as the walkthrough starts (the stderr warning scrolls away): key words first. */
export function exposedNotice(exposed: string[] = []): string | undefined {
	return exposed.length ? `Reachable from other machines: --bind ${exposed.join(', ')} is not loopback` : undefined;
}

function mapStrings<T>(value: T, rename: (text: string) => string): T {
	if (typeof value === 'string') return rename(value) as T;
	if (Array.isArray(value)) return value.map(item => mapStrings(item, rename)) as T;
	if (value instanceof Map) return new Map(mapStrings([...value], rename)) as T; // the lesson's words as written
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, rename)])) as T;
	return value;
}

const MAX_LINES = 30;
const VIEW_LINES = 14;

interface Shown {
	name: string;
	lines: string[];
	lit?: number; // 1-based line of the shown lines that the step runs
}

function readLines(project: ProjectInfo, name: string): string[] | undefined {
	try {
		return readFileSync(join(project.dir, name), 'utf8').replace(/\n$/, '').split('\n');
	} catch {
		return undefined;
	}
}

/** Their WSGI module as it is on disk, the line that builds the application lit. */
function wsgiFile(project: ProjectInfo): Shown {
	const [module, variable = 'application'] = project.app.split(':');
	const name = `${module.replaceAll('.', '/')}.py`;
	const lines = readLines(project, name);
	if (!lines) return {name, lines: ['(not readable here: a package __init__.py, or outside the project)']};
	const at = lines.findIndex(line => new RegExp(`^${variable}\\s*=`).test(line));
	const shown =
		lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines`] : lines;
	return {name, lines: shown, lit: at >= 0 && at < MAX_LINES ? at + 1 : undefined};
}

/** A few lines of their view's module from its def or class line, when the file is theirs. */
function viewFile(project: ProjectInfo, view: string): Shown | undefined {
	const dot = view.lastIndexOf('.');
	const name = `${view.slice(0, dot).replaceAll('.', '/')}.py`;
	const lines = readLines(project, name);
	const at =
		lines?.findIndex(line =>
			new RegExp(`^(async\\s+)?(def|class)\\s+${view.slice(dot + 1).split('.')[0]}\\b`).test(line),
		) ?? -1;
	if (!lines || at < 0) return undefined; // a view from an installed package: not in their project
	return {name: `${name} (from line ${at + 1})`, lines: lines.slice(at, at + VIEW_LINES), lit: 1};
}

/** The lesson, renamed for their project; the samples are their command, wsgi file and view. */
export function ownLesson(lesson: Lesson, project: ProjectInfo, named: Named = {}): Lesson {
	const {view} = named;
	const renamed = mapStrings(lesson, projectNames(project, named));
	const wsgi = wsgiFile(project);
	const shownView = view ? viewFile(project, view) : undefined;
	const files = [{name: 'shell', lines: [`$ ${project.command}`], lit: 1}, wsgi, ...(shownView ? [shownView] : [])];
	// The lesson's samples are shell, wsgi.py, urls.py, views.py: point each step at theirs.
	const target = (file: number) => (file === 0 ? 0 : file === 1 ? 1 : file === 3 && shownView ? 2 : undefined);
	return {
		...renamed,
		steps: renamed.steps.map(step => {
			const index = step.sample ? target(step.sample.file) : undefined;
			const lit = index === undefined ? undefined : files[index].lit;
			return {...step, sample: index === undefined || lit === undefined ? undefined : {file: index, line: lit}};
		}),
		samples: files.map(({name, lines}) => ({name, lines})),
		sampleNote:
			`Your project in ${project.dir}: your Gunicorn options (the walkthrough adds its config file, ` +
			`which loads yours and wraps its hooks), the module Gunicorn imports in each worker (with --preload, in ` +
			`the master)${shownView ? ' and the view Django picked last' : ''}.`,
	};
}
