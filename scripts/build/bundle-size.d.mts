export interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, unknown>; imports?: { path: string; kind: string; external?: boolean }[] }>;
}
export interface FunctionSizes { totalKiB: number; initKiB: number; files: string[]; initFiles: string[] }
export declare function functionSizes(metafile: Metafile, name: string, outDir?: string): FunctionSizes;
