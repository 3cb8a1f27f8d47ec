// Style sheets imported for their side effect: esbuild gathers them into the console's CSS asset.
declare module '*.css';
