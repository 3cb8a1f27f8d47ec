export interface ConsoleAsset {
  type: string;
  body: string;
}

export interface ConsoleBuild {
  assets: Record<string, ConsoleAsset>;
  script: string;
  style: string;
  firstLoadGzipBytes: number;
  inputs: string[];
}

export function buildConsoleAssets(): ConsoleBuild;
