import React from 'react';
import {Box, Text} from 'ink';
import {panelById} from '../panels';

interface Props {
	width: number;
	position: string;
	panel: string;
	panels: readonly string[]; // ids, in tab order
	tag?: string; // "--preload", "LIVE server 127.0.0.1:8000"
	chapter?: string; // "Chapter 1: One request's life"
}

/** Title, position and the panel tabs; the current tab is bracketed, not only coloured. */
export const Header = React.memo(function Header({width, position, panel, panels, tag, chapter}: Props) {
	// Full titles when they fit, else short ones, else numbers with only the current tab named;
	// each tab costs its label plus two.
	const tabs = panels.map(id => panelById(id)!);
	const cost = (titles: string[]) => titles.reduce((n, t) => n + t.length + 4, 0);
	const full = tabs.map(t => t.title);
	const short = tabs.map(t => t.short);
	const titles =
		cost(full) <= width
			? full
			: cost(short) <= width
				? short
				: short.map((t, i) => (tabs[i].id === panel ? t : ''));
	return (
		<Box flexDirection="column" width={width}>
			<Box width={width} height={1} overflow="hidden">
				{/* One line of text, cut at its end: the title and position always whole, the chapter last. */}
				<Text wrap="truncate-end">
					<Text bold color="green">
						Gunicorn walkthrough
					</Text>
					{'  '}
					<Text bold inverse>{` ${position} `}</Text>
					{tag && <Text color="yellow">{`  ${tag}`}</Text>}
					{chapter && <Text>{`  ${chapter}`}</Text>}
				</Text>
			</Box>
			<Box width={width} height={1} overflow="hidden">
				<Text wrap="truncate-end">
					{titles.map((title, i) => {
						const {id, key} = tabs[i];
						const label = title ? `${key} ${title}` : key;
						return id === panel ? (
							<Text key={id} bold inverse color="cyan">{`[${label}]`}</Text>
						) : (
							<Text key={id} dimColor>{` ${label} `}</Text>
						);
					})}
				</Text>
			</Box>
		</Box>
	);
});
