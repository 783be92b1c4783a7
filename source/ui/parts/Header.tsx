import React from 'react';
import {Box, Text} from 'ink';
import {PANEL_TITLES} from '../model';

const SHORT_TITLES = ['Flow', 'Sample', 'Table', 'Vars', 'Moments', 'Quiz', 'Snap', 'Text', 'Live', 'Room'];

interface Props {
	width: number;
	position: string;
	panel: number;
	panels: number;
	tag?: string; // "--preload", "LIVE server 127.0.0.1:8000"
}

/** Title, position and the panel tabs; the current tab is bracketed, not only coloured. */
export const Header = React.memo(function Header({width, position, panel, panels, tag}: Props) {
	// Full titles when they fit, else short ones, else numbers with only the current tab named;
	// each tab costs its label plus two.
	const cost = (titles: string[]) => titles.slice(0, panels).reduce((n, t) => n + t.length + 4, 0);
	const titles =
		cost(PANEL_TITLES) <= width
			? PANEL_TITLES
			: cost(SHORT_TITLES) <= width
				? SHORT_TITLES
				: SHORT_TITLES.map((t, i) => (i + 1 === panel ? t : ''));
	return (
		<Box flexDirection="column" width={width}>
			<Box width={width} height={1} overflow="hidden">
				<Text bold color="green" wrap="truncate-end">
					Gunicorn walkthrough
				</Text>
				<Text wrap="truncate-end">{'  '}</Text>
				<Text bold inverse wrap="truncate-end">{` ${position} `}</Text>
				{tag && <Text color="yellow" wrap="truncate-end">{`  ${tag}`}</Text>}
			</Box>
			<Box width={width} height={1} overflow="hidden">
				<Text wrap="truncate-end">
					{titles.slice(0, panels).map((title, i) => {
						const n = i + 1;
						const label = title ? `${n % 10} ${title}` : String(n % 10);
						return n === panel ? (
							<Text key={n} bold inverse color="cyan">{`[${label}]`}</Text>
						) : (
							<Text key={n} dimColor>{` ${label} `}</Text>
						);
					})}
				</Text>
			</Box>
		</Box>
	);
});
