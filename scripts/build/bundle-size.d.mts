export interface Metafile {
  outputs: Record<string, { bytes: number; imports?: { path: string; kind: string; external?: boolean }[] }>;
}
export declare function functionSizes(metafile: Metafile, name: string, outDir?: string): { totalKiB: number; initKiB: number };
