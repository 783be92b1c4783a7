// The panels, declared once: the header's tabs, the help, --panel, saved progress, the room and
// the key that opens each are all read from here. Plain data (the CLI parser reads it without
// loading React); what each panel draws is App.tsx's RENDER, a Record over these ids.

export interface PanelDef {
	/** Saved in progress files and named by --panel: never renamed once shipped. */
	id: string;
	title: string;
	/** For a header too narrow for the titles. */
	short: string;
	/** The key that opens it (one character). */
	key: string;
	/** Only in the workshop instructor's walkthrough. */
	instructor?: boolean;
	/** Only when attached to a server. */
	live?: boolean;
	/** Its content moves with the step (the screen reader says it again after each step). */
	followsStep?: boolean;
}

export const PANELS = [
	{id: 'flow', title: 'Flow', short: 'Flow', key: '1', followsStep: true},
	{id: 'sample', title: 'Sample', short: 'Samp', key: '2', followsStep: true},
	{id: 'table', title: 'Table', short: 'Table', key: '3', followsStep: true},
	{id: 'variables', title: 'Variables', short: 'Vars', key: '4', followsStep: true},
	{id: 'moments', title: 'Moments', short: 'Mom', key: '5', followsStep: true},
	{id: 'quiz', title: 'Quiz', short: 'Quiz', key: '6'},
	{id: 'snapshot', title: 'Snapshot', short: 'Snap', key: '7'},
	{id: 'transcript', title: 'Transcript', short: 'Text', key: '8'},
	{id: 'live', title: 'Live', short: 'Live', key: '9'},
	// Digits are all taken (0 is the instructor's Room): L for Labs, a key no panel binds.
	{id: 'labs', title: 'Labs', short: 'Labs', key: 'L'},
	{id: 'room', title: 'Room', short: 'Room', key: '0', instructor: true},
] as const satisfies readonly PanelDef[];

export type PanelId = (typeof PANELS)[number]['id'];

const all = (): readonly PanelDef[] => PANELS;

export const panelById = (id: string): PanelDef | undefined => all().find(p => p.id === id);

/** The panels this walkthrough shows, in tab order. */
export function visiblePanels(where: {room: boolean; live: boolean}): PanelId[] {
	return all()
		.filter(p => (!p.instructor || where.room) && (!p.live || where.live))
		.map(p => p.id as PanelId);
}

/** A panel named on the command line: by its key or its id; instructor-only panels are not offered. */
export function panelNamed(name: string): PanelId | undefined {
	const found = all().find(p => !p.instructor && (p.key === name || p.id === name.toLowerCase()));
	return found?.id as PanelId | undefined;
}

/** The keys of these panels, short: "1-9", "1-9 0". */
export function panelKeys(ids: readonly string[]): string {
	const keys = ids.map(id => panelById(id)!.key).sort(); // digits in order: 1-9 and 0 read "0-9"
	const runs: string[][] = [];
	for (const key of keys) {
		const run = runs.at(-1);
		const last = run?.at(-1);
		if (run && last && key.charCodeAt(0) === last.charCodeAt(0) + 1) run.push(key);
		else runs.push([key]);
	}
	return runs.map(r => (r.length > 2 ? `${r[0]}-${r.at(-1)}` : r.join(' '))).join(' ');
}

/** Progress files before panel ids saved the panel's number: this was their order. Never changes. */
const NUMBERED: PanelId[] = [
	'flow',
	'sample',
	'table',
	'variables',
	'moments',
	'quiz',
	'snapshot',
	'transcript',
	'live',
	'room',
];

/** A saved panel: an id the registry knows, or an old file's number. Undefined for anything else. */
export function savedPanel(value: unknown): PanelId | undefined {
	if (typeof value === 'number') return Number.isInteger(value) ? NUMBERED[value - 1] : undefined;
	return typeof value === 'string' && panelById(value) ? (value as PanelId) : undefined;
}
