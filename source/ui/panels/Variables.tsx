// Panel 4: the variable tracker: each variable's value at checkpoints, derived from history.
import {Text} from 'ink';
import type {TrackerColumn, TrackerRow} from '../../lifecycle/selectors';
import {Lines, type Line} from '../parts/Lines';
import {truncate} from './Table';

interface Props {
	columns: TrackerColumn[];
	rows: TrackerRow[];
	width: number;
	height: number;
	scroll: number;
	hinted?: string;
	caption: string;
}

export function VariablesPanel(props: Props) {
	return <Lines lines={variablesLines(props)} height={props.height} offset={props.scroll} width={props.width} />;
}

export function variablesLines({columns, rows, width, hinted, caption}: Omit<Props, 'height' | 'scroll'>): Line[] {
	const label = 12;
	// Cells as wide as the longest value, so none is cut; keep the newest columns that fit.
	const cell = Math.min(20, Math.max(13, ...rows.flatMap(r => r.values.map(v => v.length + 1))));
	const fit = Math.max(1, Math.floor((width - label) / cell));
	const shown = columns.slice(-fit);
	const first = columns.length - shown.length;
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			{'Variable'.padEnd(label) + shown.map(c => c.label.padEnd(cell)).join('')}
		</Text>,
		<Text dimColor wrap="truncate-end">
			{'─'.repeat(Math.min(width, label + shown.length * cell))}
		</Text>,
	];
	for (const row of rows) {
		const mark = row.variable === hinted;
		lines.push(
			<Text wrap="truncate-end">
				<Text bold color={mark ? 'cyan' : undefined}>
					{truncate((mark ? '» ' : '') + row.variable, label - 1).padEnd(label)}
				</Text>
				{row.values.slice(first).map((value, i) => {
					const now = first + i === columns.length - 1;
					return (
						<Text key={i} bold={now} color={now ? 'yellow' : undefined}>
							{truncate(value, cell - 1).padEnd(cell)}
						</Text>
					);
				})}
			</Text>,
		);
	}
	lines.push(
		'',
		<Text dimColor wrap="truncate-end">
			{caption}
		</Text>,
	);
	if (first > 0)
		lines.push(
			<Text
				dimColor
				wrap="truncate-end"
			>{`${first} older column(s) hidden: widen the terminal to see them.`}</Text>,
		);
	return lines;
}
