/// <reference lib="dom" />
/**
 * The console's browser entry: Preact renders the app into #app. Nothing here writes HTML from
 * strings (the page runs under Trusted Types), and nothing is loaded from anywhere but the console.
 */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
